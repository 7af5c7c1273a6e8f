"""How a scenario argument is sent to the library."""

import os
from typing import Any, Dict, Mapping, Union

#: A scenario: a dict (the JSON of docs/scenario-format.md), a path to a scenario file, or the
#: name of a built-in scenario (``"genslm"``; see :func:`andromeda_sim.builtin_scenarios`).
ScenarioLike = Union[Mapping[str, Any], str, "os.PathLike[str]"]


def scenario_value(scenario: ScenarioLike) -> Any:
    """The request's ``"scenario"`` member for `scenario` (a dict is sent as is; a path or a
    name as a string, resolved by the library exactly as the command line resolves it)."""
    if isinstance(scenario, Mapping):
        return dict(scenario)
    if isinstance(scenario, (str, os.PathLike)):
        return os.fspath(scenario)
    # The library answers with the path and what is allowed.
    return scenario


def request(op: str, scenario: ScenarioLike, **members: Any) -> Dict[str, Any]:
    """A request for `op` on `scenario`, leaving out members that are None."""
    out: Dict[str, Any] = {"op": op, "scenario": scenario_value(scenario)}
    out.update({k: v for k, v in members.items() if v is not None})
    return out


def path_value(path: Any) -> Any:
    """An output folder argument as sent: a str or path-like as a string; anything else as is
    (the library answers with the path and what is allowed)."""
    return os.fspath(path) if isinstance(path, (str, os.PathLike)) else path
