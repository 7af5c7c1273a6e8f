"""The C ABI of andromeda-sim through ctypes: ``andromeda_call`` (JSON in, JSON out), and
``andromeda_session_call`` through a session (a cache of deterministic work owned by a
:class:`Session`; the replies are the same bytes).

Nothing here holds state between calls besides the loaded library and the sessions: every call
has its own progress callback and cancellation flag, so calls from several threads run at once
(ctypes releases the GIL for the whole native call; a session has a lock inside).
"""

import ctypes
import json
import math
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional

from .errors import AndromedaSimError, InputError, from_reply

_LIBRARY = "libandromeda_sim_c.dylib" if sys.platform == "darwin" else "libandromeda_sim_c.so"

#: ``int (*)(double fraction, void *context)``; nonzero asks the call to stop.
PROGRESS_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_double, ctypes.c_void_p)

#: A progress callback of the Python API: called with the fraction done (0..1); returning True stops the call.
ProgressCallback = Callable[[float], Optional[bool]]

_lock = threading.Lock()
_lib: Optional[ctypes.CDLL] = None


def library_path() -> Path:
    """The dynamic library loaded: $ANDROMEDA_SIM_LIB, else the copy installed with the package."""
    override = os.environ.get("ANDROMEDA_SIM_LIB")
    return Path(override) if override else Path(__file__).resolve().parent / _LIBRARY


def _library() -> ctypes.CDLL:
    global _lib
    with _lock:
        if _lib is None:
            path = library_path()
            if not path.is_file():
                raise ImportError(f"andromeda_sim: {path} is missing; install the package with `pip install ./python` "
                                  "from the repository root (it compiles the Swift library)")
            lib = ctypes.CDLL(str(path))
            lib.andromeda_call.restype = ctypes.c_void_p
            lib.andromeda_call.argtypes = [ctypes.c_char_p, PROGRESS_FN, ctypes.c_void_p]
            lib.andromeda_free.restype = None
            lib.andromeda_free.argtypes = [ctypes.c_void_p]
            lib.andromeda_session_new.restype = ctypes.c_void_p
            lib.andromeda_session_new.argtypes = []
            lib.andromeda_session_call.restype = ctypes.c_void_p
            lib.andromeda_session_call.argtypes = [ctypes.c_void_p, ctypes.c_char_p, PROGRESS_FN, ctypes.c_void_p]
            lib.andromeda_session_free.restype = None
            lib.andromeda_session_free.argtypes = [ctypes.c_void_p]
            lib.andromeda_abi_version.restype = ctypes.c_int
            lib.andromeda_abi_version.argtypes = []
            if lib.andromeda_abi_version() != 1:
                raise ImportError(f"andromeda_sim: {path} has ABI version {lib.andromeda_abi_version()}; this package needs 1")
            _lib = lib
        return _lib


class Session:
    """A session of calls: the library keeps what they may reuse (defect maps, the mapping model's
    tiling searches, run-time jitter draws) in a cache this object owns, bounded in size and safe to
    share between threads. Replies are the same as without a session, only faster when questions
    share wafers, models and seeds (a grid of ``train`` what-ifs). ``close()`` (or the ``with``
    block's end, or garbage collection) releases it.

    >>> with sim.Session() as s:
    ...     rates = [s.train(model="genslm-1.3b", systems=n, batch=16)["samples_per_s"] for n in range(1, 17)]
    """

    def __init__(self) -> None:
        self._lib = _library()
        self._handle: Optional[int] = self._lib.andromeda_session_new()
        if not self._handle:
            raise MemoryError("andromeda_sim: the library could not allocate a session")

    @property
    def handle(self) -> int:
        if self._handle is None:
            raise ValueError("andromeda_sim: the session is closed")
        return self._handle

    def close(self) -> None:
        """Releases the session's cache (no call may be using it; later calls raise ValueError)."""
        handle, self._handle = self._handle, None
        if handle:
            self._lib.andromeda_session_free(handle)

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit the library may be gone
            pass

    def train(self, model: str = "genslm-123m", systems: int = 1, batch: int = 32, **kwargs: Any) -> Dict[str, Any]:
        """:func:`andromeda_sim.train` through this session."""
        from . import train
        return train(model, systems, batch, session=self, **kwargs)


_default: Optional[Session] = None
_session_lock = threading.Lock()


def default_session() -> Session:
    """The package's session, made on first use: the one the module's functions call through when
    given no session (a bounded cache with a lock inside, so threads share it safely)."""
    global _default
    with _session_lock:
        if _default is None:
            _default = Session()
        return _default


def _encode(request: Dict[str, Any]) -> bytes:
    try:
        return json.dumps(request, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as e:
        raise InputError("input", f"cannot be written as JSON: {e} (numbers must be finite; values str, int, float, "
                                  "bool, None, list or dict)", "$", None, None, "<request>") from None


class _Progress:
    """One call's progress: the user's callback, a tqdm bar (shown after a second) and the stop flag."""

    def __init__(self, label: Optional[str], show: bool, user: Optional[ProgressCallback]) -> None:
        self.label = label
        self.show = show and label is not None
        self.user = user
        self.stop = False
        self.stopped_by_user = False
        self.error: Optional[BaseException] = None
        self.bar: Any = None
        self.start = time.monotonic()
        self.percent = 0

    def __call__(self, fraction: float, _context: Any) -> int:
        try:
            if self.user is not None and not self.stop and self.user(float(fraction)):
                self.stop = True
                self.stopped_by_user = True
            if self.show:
                self._draw(fraction)
        except BaseException as e:  # noqa: BLE001 - never let an exception cross the C boundary
            # The call stops; the exception is raised once it has (see call()).
            self.stop = True
            if self.error is None:
                self.error = e
        return 1 if self.stop else 0

    def _draw(self, fraction: float) -> None:
        if self.bar is None:
            if time.monotonic() - self.start < 1.0:
                return
            try:
                from tqdm.auto import tqdm  # type: ignore[import-untyped]
            except ImportError:
                self.show = False
                return
            self.bar = tqdm(total=100, desc=self.label, unit="%", leave=False)
        percent = int(max(0.0, min(1.0, fraction if math.isfinite(fraction) else 0.0)) * 100)
        if percent > self.percent:
            self.bar.update(percent - self.percent)
            self.percent = percent

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def call(request: Dict[str, Any], *, label: Optional[str] = None, show_progress: bool = True,
         progress: Optional[ProgressCallback] = None, quick: bool = False, session: Optional[Session] = None) -> Any:
    """Sends `request` to ``andromeda_call`` and returns the reply's ``"ok"`` value, or raises.

    On the main thread the native call runs on a helper thread while the main thread waits, so a
    KeyboardInterrupt (Ctrl-C) is seen at once: the call is asked to stop (through the progress
    callback), the helper is waited for (the library writes nothing once stopped, and a folder is
    swapped in whole or not at all), and the KeyboardInterrupt is raised. `quick` calls (a
    training what-if) are made directly: they take milliseconds. With a `session`, the call goes
    through it (``andromeda_session_call``).
    """
    payload = _encode(request)
    lib = _library()
    handle = session.handle if session is not None else None
    if quick and progress is None:
        return _decode(_invoke(lib, payload, _NO_PROGRESS, None, handle))
    state = _Progress(label, show_progress, progress)
    callback = PROGRESS_FN(state)
    try:
        if threading.current_thread() is not threading.main_thread():
            reply = _invoke(lib, payload, callback, state, handle)
        else:
            box: Dict[str, Any] = {}
            done = threading.Event()

            def work() -> None:
                try:
                    box["reply"] = _invoke(lib, payload, callback, state, handle)
                except BaseException as e:  # noqa: BLE001 - handed to the waiting thread
                    box["exception"] = e
                finally:
                    done.set()

            helper = threading.Thread(target=work, name="andromeda_sim call", daemon=True)
            helper.start()
            interrupted = False
            while True:
                try:
                    while not done.wait(0.05):
                        pass
                    break
                except KeyboardInterrupt:
                    # Ask the call to stop, and wait for it: it never leaves a folder half written.
                    state.stop = True
                    interrupted = True
            helper.join()
            if interrupted:
                raise KeyboardInterrupt
            if "exception" in box:
                raise box["exception"]
            reply = box["reply"]
    finally:
        state.close()
    if state.error is not None:
        raise state.error
    return _decode(reply)


_NO_PROGRESS = PROGRESS_FN()


def _invoke(lib: ctypes.CDLL, payload: bytes, callback: Any, state: Any, session: Optional[int] = None) -> str:
    if session is not None:
        pointer = lib.andromeda_session_call(session, payload, callback, None)
    else:
        pointer = lib.andromeda_call(payload, callback, None)
    if not pointer:
        raise MemoryError("andromeda_sim: the library could not allocate its reply")
    try:
        return ctypes.string_at(pointer).decode("utf-8")
    finally:
        lib.andromeda_free(pointer)


def _decode(reply: str) -> Any:
    document = json.loads(reply)
    if "error" in document:
        raise from_reply(document["error"])
    if "ok" not in document:
        raise AndromedaSimError("simulation", f"unexpected reply from the library: {reply[:200]}")
    return document["ok"]
