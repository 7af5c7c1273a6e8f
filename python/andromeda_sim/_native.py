"""The C ABI of andromeda-sim through ctypes: one function, ``andromeda_call`` (JSON in, JSON out).

Nothing here holds state between calls besides the loaded library: every call has its own
progress callback and cancellation flag, so calls from several threads run at once (ctypes
releases the GIL for the whole native call).
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
            lib.andromeda_abi_version.restype = ctypes.c_int
            lib.andromeda_abi_version.argtypes = []
            if lib.andromeda_abi_version() != 1:
                raise ImportError(f"andromeda_sim: {path} has ABI version {lib.andromeda_abi_version()}; this package needs 1")
            _lib = lib
        return _lib


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
         progress: Optional[ProgressCallback] = None, quick: bool = False) -> Any:
    """Sends `request` to ``andromeda_call`` and returns the reply's ``"ok"`` value, or raises.

    On the main thread the native call runs on a helper thread while the main thread waits, so a
    KeyboardInterrupt (Ctrl-C) is seen at once: the call is asked to stop (through the progress
    callback), the helper is waited for (the library writes nothing once stopped, and a folder is
    swapped in whole or not at all), and the KeyboardInterrupt is raised. `quick` calls (a
    training what-if) are made directly: they take milliseconds.
    """
    payload = _encode(request)
    lib = _library()
    if quick and progress is None:
        return _decode(_invoke(lib, payload, PROGRESS_FN(), None))
    state = _Progress(label, show_progress, progress)
    callback = PROGRESS_FN(state)
    try:
        if threading.current_thread() is not threading.main_thread():
            reply = _invoke(lib, payload, callback, state)
        else:
            box: Dict[str, Any] = {}
            done = threading.Event()

            def work() -> None:
                try:
                    box["reply"] = _invoke(lib, payload, callback, state)
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


def _invoke(lib: ctypes.CDLL, payload: bytes, callback: Any, state: Any) -> str:
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
