"""Exceptions raised by andromeda_sim: the C ABI's error replies as Python exceptions."""

from typing import Any, Dict, Optional


class AndromedaSimError(Exception):
    """An error reply of the simulator.

    Attributes:
        kind: ``"input"``, ``"output_refused"``, ``"cannot_write"``, ``"simulation"`` or ``"cancelled"``.
        message: what is wrong, including the allowed range or values when there is one.
        path: the JSON path of the offending value (``"$.cluster.systems"``), or None.
        field: the member the path names (``"systems"``), or None.
        allowed: what is allowed there (``"1...192"``), as the message says it, or None.
        file: the document the path is in: ``"<request>"`` for the arguments of a call,
            ``"<scenario>"`` for a scenario given as a dict, the file name of a scenario file.
    """

    def __init__(self, kind: str, message: str, path: Optional[str] = None, field: Optional[str] = None,
                 allowed: Optional[str] = None, file: Optional[str] = None) -> None:
        self.kind = kind
        self.message = message
        self.path = path
        self.field = field
        self.allowed = allowed
        self.file = file
        where = ": ".join(p for p in (file, path) if p)
        super().__init__(f"{where}: {message}" if where else message)


class InputError(AndromedaSimError, ValueError):
    """Bad input: a scenario, an argument or a parameter outside what is allowed (``path`` says where)."""


class OutputRefusedError(AndromedaSimError):
    """An output folder that cannot be used as asked (not empty and not an earlier output of the
    same kind, an input inside it, another run writing to it). Nothing was written."""


class CannotWriteError(AndromedaSimError, OSError):
    """An output could not be written (disk full, no permission). The previous folder is untouched."""


class SimulationError(AndromedaSimError, RuntimeError):
    """The simulation itself failed (a job that cannot run, a time overflow)."""


class Cancelled(AndromedaSimError):
    """The call was stopped by its progress callback (returning True); nothing was written."""


_KINDS = {
    "input": InputError,
    "output_refused": OutputRefusedError,
    "cannot_write": CannotWriteError,
    "simulation": SimulationError,
    "cancelled": Cancelled,
}


def from_reply(error: Dict[str, Any]) -> AndromedaSimError:
    """The exception for an ``{"error": {...}}`` reply of the C ABI."""
    kind = str(error.get("kind", "simulation"))
    cls = _KINDS.get(kind, AndromedaSimError)
    return cls(kind, str(error.get("message", "")), error.get("path"), error.get("field"), error.get("allowed"),
               error.get("file"))
