"""run(...).write(dir) writes the same bytes as `andromeda-sim run` for every built-in scenario."""

import json
from pathlib import Path

import pytest

import andromeda_sim as sim
from conftest import REPO, folder_bytes, run_cli

BUILTIN = sim.builtin_scenarios()


def test_builtin_list_is_the_scenarios_folder():
    # The CLI's built-ins are the files of Scenarios/, compiled in.
    assert BUILTIN == sorted(p.stem for p in (REPO / "Scenarios").glob("*.json"))
    assert len(BUILTIN) >= 5


def assert_same_run(cli_folder: Path, py_folder: Path):
    a, b = folder_bytes(cli_folder), folder_bytes(py_folder)
    assert sorted(a) == sorted(b)
    assert ".andromeda-sim-output.json" in a and "summary.json" in a and "timing.json" in a
    for name in a:
        if name == "timing.json":
            # Wall-clock figures: same members, different times.
            assert list(json.loads(a[name])) == list(json.loads(b[name]))
            continue
        assert a[name] == b[name], f"{name} differs"


@pytest.mark.parametrize("name", BUILTIN)
def test_write_is_byte_identical_to_the_cli(name, cli, tmp_path):
    done = run_cli(cli, ["run", name, "--out", str(tmp_path / "cli"), "--quiet"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = sim.run(name, show_progress=False)
    result.write(tmp_path / "py")
    assert_same_run(tmp_path / "cli", tmp_path / "py")
    # The run's tables are the CSV files it wrote.
    assert set(result.files) == {k for k in folder_bytes(tmp_path / "cli") if not k.startswith(".")}
    assert result.summary == json.loads((tmp_path / "cli" / "summary.json").read_text())
    if "scaling.csv" in result.files:
        assert len(result.scaling) == len((tmp_path / "cli" / "scaling.csv").read_text().splitlines()) - 1
        assert {"systems", "samples_per_s", "time_to_train_h"} <= set(result.scaling.columns)
    if "policies.csv" in result.files:
        assert sorted(result.policies["policy"]) == sorted(p for p in result.summary["inputs"]["multitenant"]["policies"])
        assert set(result.jobs["policy"]) == set(result.policies["policy"])
        assert len(result.segments) > 0 and len(result.utilisation) > 0


@pytest.mark.parametrize("name", ["genslm", "andromeda-multitenant"])
def test_run_with_out_and_from_a_path_and_a_dict(name, cli, tmp_path):
    done = run_cli(cli, ["run", name, "--out", str(tmp_path / "cli"), "--quiet"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # out= writes through the same library function as the command line.
    sim.run(name, out=str(tmp_path / "out"), show_progress=False)
    assert_same_run(tmp_path / "cli", tmp_path / "out")
    # The scenario file by path, and its JSON as a dict, give the same files.
    path = REPO / "Scenarios" / f"{name}.json"
    from_path = sim.run(path, show_progress=False)
    from_dict = sim.run(json.loads(path.read_text()), show_progress=False)
    for r in (from_path, from_dict):
        r.write(tmp_path / ("p" + str(id(r))))
        assert_same_run(tmp_path / "cli", tmp_path / ("p" + str(id(r))))


def test_write_replaces_an_earlier_run_as_a_whole(tmp_path):
    a = sim.run("andromeda-multitenant", show_progress=False)
    b = sim.run("genslm", show_progress=False)
    a.write(tmp_path / "o")
    b.write(tmp_path / "o")
    names = {k for k in folder_bytes(tmp_path / "o") if not k.startswith(".")}
    assert names == set(b.files)  # nothing of the earlier run left
    assert [p.name for p in tmp_path.iterdir()] == ["o"]  # no staging or lock file left beside it
