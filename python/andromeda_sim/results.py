"""Result objects: a scenario run's files as DataFrames, a sweep's tables."""

import io
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Union

import pandas as pd

from . import _native
from ._scenario import path_value


def _frame(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


class RunResult:
    """Everything one scenario run produced: the files ``andromeda-sim run`` writes, in memory.

    Attributes:
        name: the scenario's name.
        seed: its seed.
        files: every file the command line writes (``"scaling.csv"``, ``"fifo/jobs.csv"``...) and its
            text, byte for byte (timing.json holds this run's wall-clock figures).
    """

    def __init__(self, reply: Dict[str, Any]) -> None:
        self.name: str = reply["scenario"]
        self.seed: int = reply["seed"]
        self.files: Dict[str, str] = dict(reply["files"])
        self._inputs: List[Dict[str, str]] = list(reply.get("inputs", []))
        self._frames: Dict[str, pd.DataFrame] = {}

    def __repr__(self) -> str:
        return f"RunResult(scenario={self.name!r}, seed={self.seed}, files={len(self.files)})"

    def table(self, name: str) -> pd.DataFrame:
        """The CSV file `name` (``"scaling.csv"``, ``"policies.csv"``, ``"fifo/jobs.csv"``) as a DataFrame
        (a copy: change it freely). Raises KeyError when the run did not write it."""
        if name not in self.files or not name.endswith(".csv"):
            raise KeyError(f"{name}: not a CSV file of this run; it wrote {', '.join(self.csv_files)}")
        if name not in self._frames:
            self._frames[name] = _frame(self.files[name])
        return self._frames[name].copy()

    @property
    def csv_files(self) -> List[str]:
        """The CSV files of the run, sorted."""
        return sorted(n for n in self.files if n.endswith(".csv"))

    @property
    def tables(self) -> Dict[str, pd.DataFrame]:
        """Every CSV file of the run as a DataFrame, by file name."""
        return {n: self.table(n) for n in self.csv_files}

    @property
    def summary(self) -> Dict[str, Any]:
        """summary.json as a dict: the figures, the resolved inputs, version and seed."""
        summary: Dict[str, Any] = json.loads(self.files["summary.json"])
        return summary

    @property
    def timing(self) -> Dict[str, Any]:
        """timing.json as a dict (wall-clock figures: the one output that differs between runs)."""
        timing: Dict[str, Any] = json.loads(self.files["timing.json"])
        return timing

    @property
    def scaling(self) -> pd.DataFrame:
        """scaling.csv: one row per (model, systems) of the scaling experiments (empty without any)."""
        return self.table("scaling.csv") if "scaling.csv" in self.files else pd.DataFrame()

    @property
    def policies(self) -> pd.DataFrame:
        """policies.csv: one row per scheduling policy of the shared cluster (empty without one)."""
        return self.table("policies.csv") if "policies.csv" in self.files else pd.DataFrame()

    def _per_policy(self, file: str) -> pd.DataFrame:
        frames = []
        for name in self.csv_files:
            parts = name.split("/")
            if len(parts) == 2 and parts[1] == file:
                frame = self.table(name)
                frame.insert(0, "policy", parts[0])
                frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @property
    def jobs(self) -> pd.DataFrame:
        """Every policy's jobs.csv, one table with a leading ``policy`` column."""
        return self._per_policy("jobs.csv")

    @property
    def segments(self) -> pd.DataFrame:
        """Every policy's segments.csv (each stretch a job held systems), with a ``policy`` column."""
        return self._per_policy("segments.csv")

    @property
    def utilization(self) -> pd.DataFrame:
        """Every policy's utilization.csv (the cluster's time series), with a ``policy`` column."""
        return self._per_policy("utilization.csv")

    #: British spelling of :attr:`utilization`.
    utilisation = utilization

    def write(self, directory: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the run's files into `directory` exactly as ``andromeda-sim run --out directory``
        does: the same bytes, through the library's own writer (the folder must be new, empty or
        an earlier run's output; the files are staged beside it and swapped in as one set, so the
        folder never mixes two runs). Raises :class:`~andromeda_sim.OutputRefusedError` for a
        folder that cannot be used, :class:`~andromeda_sim.CannotWriteError` when a file cannot be written."""
        _native.call({"op": "write_run", "out": path_value(directory), "files": self.files, "inputs": self._inputs},
                     label=None)


@dataclass
class SweepResult:
    """A sweep's results (sweep_scaling.csv and sweep_cluster.csv, as ``andromeda-sim sweep`` writes them).

    Attributes:
        scaling: one row per (point, model, systems): the point's index, its parameter values
            (``param_<name>`` columns) and the scaling figures.
        cluster: one row per (point, policy) of the shared cluster (empty without one).
        points: points in the grid.
        ran: points simulated by this call (the others were already done in ``out``).
        skipped: points found done in ``out`` and not run again.
        out: the folder written, or None (a temporary folder, removed).
    """

    scaling: pd.DataFrame
    cluster: pd.DataFrame
    points: int
    ran: int
    skipped: int
    out: Optional[str] = None
    files: Dict[str, str] = field(default_factory=dict, repr=False)

    @staticmethod
    def from_reply(reply: Dict[str, Any]) -> "SweepResult":
        files = {"sweep_scaling.csv": reply["scaling_csv"], "sweep_cluster.csv": reply["cluster_csv"]}
        return SweepResult(_frame(reply["scaling_csv"]), _frame(reply["cluster_csv"]), reply["points"], reply["ran"],
                           reply["skipped"], reply.get("out"), files)
