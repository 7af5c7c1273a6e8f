"""Shared fixtures: the command line the Python results are compared with, the repository."""

import os
import subprocess
from pathlib import Path
from typing import List

import pytest

REPO = Path(__file__).resolve().parents[2]


def cli_path() -> Path:
    """$ANDROMEDA_SIM_CLI, else the release build, else the debug build of the repository."""
    if os.environ.get("ANDROMEDA_SIM_CLI"):
        return Path(os.environ["ANDROMEDA_SIM_CLI"])
    for configuration in ("release", "debug"):
        candidate = REPO / ".build" / configuration / "andromeda-sim"
        if candidate.is_file():
            return candidate
    return REPO / ".build" / "release" / "andromeda-sim"


@pytest.fixture(scope="session")
def cli() -> Path:
    path = cli_path()
    if not path.is_file():
        pytest.fail(f"{path}: no andromeda-sim binary (build it with swift build -c release --product andromeda-sim)")
    return path


def run_cli(cli: Path, args: List[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(cli)] + args, cwd=cwd, capture_output=True, text=True, timeout=600)


def folder_bytes(folder: Path) -> dict:
    """Every file under `folder` (relative path -> bytes), hidden marker included."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
