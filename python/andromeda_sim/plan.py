"""Capacity-planning questions (``andromeda-sim plan ...``), answered in-process.

>>> from andromeda_sim import plan
>>> plan.min_systems("genslm-1.3b", batch=16, samples=700_000, deadline_h=12).systems
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import pandas as pd

from . import _native
from ._native import ProgressCallback
from ._scenario import ScenarioLike, request

__all__ = ["MinSystemsAnswer", "MaxRateAnswer", "MemoryXAnswer", "min_systems", "max_rate", "memoryx"]


@dataclass
class MinSystemsAnswer:
    """The fewest systems that train a model by a deadline.

    Attributes:
        systems: the fewest system count meeting the deadline, or None.
        tried: every count simulated, in order: ``systems``, ``time_to_train_h`` and its p10-p90
            range (``time_to_train_h_low``, ``time_to_train_h_high``).
        failed: counts that cannot run, each ``{"systems": n, "reason": "..."}``.
        iteration_bound: the most counts the search could simulate.
        result: the training figures at ``systems`` (as :func:`andromeda_sim.train` returns them), or None.
    """

    systems: Optional[int]
    tried: pd.DataFrame
    failed: List[Dict[str, Any]]
    iteration_bound: int
    result: Optional[Dict[str, Any]]


@dataclass
class MaxRateAnswer:
    """The highest job arrival rate whose P95 wait stays under a target.

    Attributes:
        rate_per_h: the highest rate found (jobs per hour), or None when even the lowest misses.
        tried: every rate simulated (``rate_per_h``, ``p95_wait_h``), in the search's order.
        iteration_bound: the most simulations the search could take.
    """

    rate_per_h: Optional[float]
    tried: pd.DataFrame
    iteration_bound: int


@dataclass
class MemoryXAnswer:
    """How much MemoryX a shared workload needs.

    Attributes:
        largest_job_bytes: the largest job's weights and optimizer state (below this it is rejected).
        peak_concurrent_bytes: the most held at once (at or above this MemoryX never delays a job).
    """

    largest_job_bytes: float
    peak_concurrent_bytes: float


def min_systems(model: str, batch: int, samples: int, deadline_h: float, *, cluster_systems: int = 16,
                progress: Optional[ProgressCallback] = None, show_progress: bool = True) -> MinSystemsAnswer:
    """The fewest systems (1 to `cluster_systems`) on which built-in `model`, `batch` samples per
    system per step, trains `samples` samples within `deadline_h` hours, fixed costs included
    (``andromeda-sim plan min-systems``). Raises :class:`~andromeda_sim.InputError` naming the
    argument (``path`` ``$.batch``...) and its allowed range."""
    a = _native.call({"op": "plan_min_systems", "model": model, "batch": batch, "samples": samples, "deadline_h": deadline_h,
                      "cluster_systems": cluster_systems}, label="plan min-systems", show_progress=show_progress,
                     progress=progress)
    tried = pd.DataFrame(a["tried"], columns=["systems", "time_to_train_h", "time_to_train_h_low", "time_to_train_h_high"])
    return MinSystemsAnswer(a["systems"], tried, a["failed"], a["iteration_bound"], a["result"])


def max_rate(scenario: ScenarioLike, p95_wait_h: float, *, policy: str = "easy-backfill", min: float = 0.1,
             max: float = 20.0, jobs: Optional[int] = None, progress: Optional[ProgressCallback] = None,
             show_progress: bool = True) -> MaxRateAnswer:
    """The highest arrival rate (jobs per hour, searched on a log scale in [`min`, `max`]) of
    `scenario`'s generated workload at which `policy` keeps the P95 wait within `p95_wait_h`
    hours (``andromeda-sim plan max-rate``); `jobs` overrides the generated job count."""
    a = _native.call(request("plan_max_rate", scenario, policy=policy, p95_wait_h=p95_wait_h, min=min, max=max, jobs=jobs),
                     label="plan max-rate", show_progress=show_progress, progress=progress)
    return MaxRateAnswer(a["rate_per_h"], pd.DataFrame(a["tried"], columns=["rate_per_h", "p95_wait_h"]), a["iteration_bound"])


def memoryx(scenario: ScenarioLike, *, policy: str = "easy-backfill", progress: Optional[ProgressCallback] = None,
            show_progress: bool = True) -> MemoryXAnswer:
    """How much MemoryX `scenario`'s shared workload needs under `policy` (``andromeda-sim plan memoryx``)."""
    a = _native.call(request("plan_memoryx", scenario, policy=policy), label="plan memoryx", show_progress=show_progress,
                     progress=progress)
    return MemoryXAnswer(a["largest_job_bytes"], a["peak_concurrent_bytes"])
