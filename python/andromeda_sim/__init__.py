"""andromeda-sim from Python: the wafer-scale cluster simulator in-process, with pandas results.

The package loads the simulator's Swift library through its C ABI (``andromeda_call``: JSON in,
JSON out) with ctypes; every function calls the library itself, the same code as the
``andromeda-sim`` command line, so the same scenario and seed give the same bytes.

>>> import andromeda_sim as sim
>>> r = sim.run("genslm")                 # a built-in name, a path or a dict
>>> r.scaling[["systems", "samples_per_s"]]
>>> r.write("out/genslm")                 # exactly the files `andromeda-sim run` writes
>>> sim.train(model="genslm-1.3b", systems=4, batch=16)["samples_per_s"]

Long calls release the GIL, draw a tqdm bar when tqdm is installed (after a second), and stop
cleanly on Ctrl-C (KeyboardInterrupt): nothing is written by a stopped call, and an output folder
is swapped in whole or not at all. Errors are exceptions carrying the JSON path of the bad value
(:class:`AndromedaSimError`: ``path``, ``field``, ``allowed``).
"""

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

import pandas as pd

from . import _native, plan
from ._native import ProgressCallback, Session
from ._scenario import ScenarioLike, path_value, request
from .errors import (AndromedaSimError, Cancelled, CannotWriteError, InputError, OutputRefusedError,
                     SimulationError)
from .results import RunResult, SweepResult

__version__ = "0.2.0"

__all__ = [
    "run", "train", "validate", "sweep", "plan", "builtin_scenarios", "library_version", "Session",
    "RunResult", "SweepResult", "ScenarioLike", "ProgressCallback",
    "AndromedaSimError", "InputError", "OutputRefusedError", "CannotWriteError", "SimulationError", "Cancelled",
]


def library_version() -> str:
    """The version of the Swift library loaded (the ``andromeda_sim_version`` of summary.json)."""
    return str(_native.call({"op": "version"}, quick=True)["version"])


def builtin_scenarios() -> List[str]:
    """The names of the built-in scenarios (``run("genslm")`` works from any folder)."""
    return list(_native.call({"op": "scenarios"}, quick=True))


def run(scenario: ScenarioLike, *, full_detail: bool = False, out: Optional[Union[str, "os.PathLike[str]"]] = None,
        progress: Optional[ProgressCallback] = None, show_progress: bool = True) -> RunResult:
    """Runs a scenario: its scaling experiments and its shared-cluster section (``andromeda-sim run``).

    Args:
        scenario: a dict (the JSON of docs/scenario-format.md), a path to a scenario file, or a
            built-in name (:func:`builtin_scenarios`).
        full_detail: simulate every step (no steady-state fast-forward).
        out: also write the files into this folder, as ``andromeda-sim run --out`` does (checked
            and locked before the run; swapped in as one set after it).
        progress: called with the fraction done (0..1); returning True stops the run
            (:class:`Cancelled`, nothing written).
        show_progress: draw a tqdm bar (when tqdm is installed) for runs longer than a second.

    Returns:
        a :class:`RunResult`: ``scaling``, ``policies``, ``jobs``, ``segments``, ``utilization``
        DataFrames, ``summary`` (summary.json) and ``write(dir)``.

    Raises:
        InputError: a bad scenario (``path`` is the JSON path inside it, ``file`` names it).
        OutputRefusedError, CannotWriteError: `out` cannot be used or written.
    """
    reply = _native.call(request("run", scenario, full_detail=full_detail or None, out=path_value(out)),
                         label="run", show_progress=show_progress, progress=progress)
    return RunResult(reply)


def train(model: str = "genslm-123m", systems: int = 1, batch: int = 32, *, seq_len: Optional[int] = None,
          steps: int = 100, seed: int = 42, full_detail: bool = False, micro_batch: Optional[int] = None,
          system: str = "cs-2", session: Union[Session, bool, None] = None) -> Dict[str, Any]:
    """One training job of a built-in model: a quick what-if without a scenario (``andromeda-sim train``).

    Args:
        model: a built-in model (``genslm-123m``, ``genslm-1.3b``, ``cerebras-gpt-1.3b``, ``llama-7b``...).
        systems: systems (1 to 16).
        batch: samples per system per step (1 to 100000).
        seq_len: sequence length (default: the model's).
        steps: optimizer steps (1 to 10^9).
        seed: random seed for wafer defects.
        full_detail: simulate every step (no fast-forward).
        micro_batch: samples per micro-batch (default: the compiler's search).
        system: ``"cs-2"`` or ``"cs-3"``.
        session: the :class:`Session` to call through; None (the default): the package's own
            session, so a series of what-ifs reuses defect maps, tiling searches and jitter draws;
            False: none (every call from scratch). The answer is the same either way.

    Returns:
        the run's figures: ``samples_per_s`` (and its p10-p90 ``_low``/``_high``), ``step_time_s``,
        ``time_to_train_h``, ``peak_fraction``, ``global_batch``, ``micro_batch``, ``energy_kwh``...

    Raises:
        InputError: an argument outside its range (``path`` ``$.systems``, ``allowed`` ``1...16``).
    """
    req: Dict[str, Any] = {"op": "train", "model": model, "systems": systems, "batch": batch, "steps": steps, "seed": seed,
                           "full_detail": full_detail, "system": system}
    if seq_len is not None:
        req["seq_len"] = seq_len
    if micro_batch is not None:
        req["micro_batch"] = micro_batch
    through = None if session is False else _native.default_session() if session is None or session is True else session
    return dict(_native.call(req, quick=True, session=through))


def validate(*, progress: Optional[ProgressCallback] = None, show_progress: bool = True) -> pd.DataFrame:
    """The simulator against every published figure (``andromeda-sim validate``): validation.csv as
    a DataFrame. ``df.attrs["passed"]`` is False when a gated row is outside its tolerance;
    ``df.attrs["table"]`` is the table the command line prints."""
    reply = _native.call({"op": "validate"}, label="validate", show_progress=show_progress, progress=progress)
    from .results import _frame
    frame = _frame(reply["csv"])
    frame.attrs["passed"] = bool(reply["passed"])
    frame.attrs["table"] = reply["table"]
    return frame


def _sweep_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def sweep(scenario: ScenarioLike, params: Union[Mapping[str, Sequence[Any]], Sequence[str]], *,
          workers: Optional[int] = None, out: Optional[Union[str, "os.PathLike[str]"]] = None, progress: Optional[ProgressCallback] = None,
          show_progress: bool = True) -> SweepResult:
    """Runs `scenario` over a grid of parameters, in parallel (``andromeda-sim sweep``).

    Args:
        scenario: a dict, a path or a built-in name.
        params: ``{"systems": [1, 2, 4], "defect_rate": [0, 0.15]}`` (the first varies slowest) or
            the command line's ``["systems=1,2,4", "defect_rate=0,0.15"]``; docs/api.md lists the names.
        workers: worker threads (default: the CPUs this process may use).
        out: write the sweep folder there (resumable: finished points are kept and skipped when
            run again into it); default a temporary folder, removed afterwards.
        progress: called with the fraction of points done; returning True stops the sweep.
        show_progress: draw a tqdm bar (when tqdm is installed).

    Returns:
        a :class:`SweepResult` (``scaling`` and ``cluster`` DataFrames), byte-identical for any `workers`.

    A stopped sweep (Ctrl-C, or `progress` returning True) finishes the points running, keeps the
    finished ones in `out` and writes no final table: the folder never mixes two sweeps, and
    running the same sweep into it again resumes.
    """
    if isinstance(params, Mapping):
        specs = [f"{name}=" + ",".join(_sweep_value(v) for v in values) for name, values in params.items()]
    elif isinstance(params, (str, bytes)):
        specs = [params] if isinstance(params, str) else []
    else:
        specs = list(params)
    reply = _native.call(request("sweep", scenario, params=specs, workers=workers, out=path_value(out)),
                         label="sweep", show_progress=show_progress, progress=progress)
    return SweepResult.from_reply(reply)
