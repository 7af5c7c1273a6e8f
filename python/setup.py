"""Build step of the andromeda_sim package: compiles the Swift C ABI and bundles it.

``pip install ./python`` (from the repository root) runs ``swift build -c release --product
andromeda_sim_c`` in the repository (the folder above this one, or ``$ANDROMEDA_SIM_REPO``) and
copies ``libandromeda_sim_c.so`` (``.dylib`` on macOS) into the installed package. No binary is
committed: a machine with Swift 6 (and the libraries scripts/install-deps installs) is needed.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
LIBRARY = "libandromeda_sim_c.dylib" if sys.platform == "darwin" else "libandromeda_sim_c.so"
PRODUCT = "andromeda_sim_c"


def repository_root() -> Path:
    """The andromeda-sim repository: $ANDROMEDA_SIM_REPO, else the folder above python/."""
    candidates = []
    if os.environ.get("ANDROMEDA_SIM_REPO"):
        candidates.append(Path(os.environ["ANDROMEDA_SIM_REPO"]).resolve())
    candidates.append(HERE.parent)
    for c in candidates:
        if (c / "Package.swift").is_file() and (c / "Sources" / "AndromedaSimC").is_dir():
            return c
    raise RuntimeError(
        "andromeda_sim: cannot find the andromeda-sim repository (Package.swift with Sources/AndromedaSimC) "
        f"in {', '.join(map(str, candidates))}; install with `pip install ./python` from the repository root, "
        "or set ANDROMEDA_SIM_REPO to it")


class BuildWithSwift(build_py):
    """build_py, then the Swift dynamic library copied into the package."""

    def run(self) -> None:
        super().run()
        root = repository_root()
        command = ["swift", "build", "-c", "release", "--product", PRODUCT]
        print("andromeda_sim: " + " ".join(command) + f"  (in {root})", flush=True)
        try:
            subprocess.check_call(command, cwd=root)
            bin_path = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=root).decode().strip()
        except FileNotFoundError as e:
            raise RuntimeError("andromeda_sim: `swift` is not on PATH; the package compiles the simulator's Swift "
                               "library and needs Swift 6 (https://swift.org/install)") from e
        source = Path(bin_path) / LIBRARY
        if not source.is_file():
            raise RuntimeError(f"andromeda_sim: the build did not produce {source}")
        target = Path(self.build_lib) / "andromeda_sim" / LIBRARY
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


class BinaryDistribution(Distribution):
    """The wheel holds a native library: tag it for this platform."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildWithSwift}, distclass=BinaryDistribution)
