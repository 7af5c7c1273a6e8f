"""A stopped call (Ctrl-C, or a progress callback returning True) leaves nothing mixed."""

import os
import signal
import threading
import time

import pandas as pd
import pytest

import andromeda_sim as sim
from conftest import folder_bytes

SCENARIO = "andromeda-multitenant"
PARAMS = {"seed": [1, 2, 3, 4, 5, 6]}


def check_partial_sweep(folder):
    """An interrupted sweep folder: finished points only, no final table."""
    names = set(folder_bytes(folder))
    assert "sweep_scaling.csv" not in names and "sweep_cluster.csv" not in names and "report.html" not in names
    assert not any(n.endswith(".tmp") for n in names), names
    done = sorted(n for n in names if n.endswith(".done"))
    assert len(done) < len(PARAMS["seed"])
    for d in done:
        base = d[: -len(".done")]
        assert base + ".scaling.csv" in names and base + ".cluster.csv" in names
    return done


def test_progress_callback_stops_a_sweep_and_it_resumes(tmp_path):
    calls = []

    def stop_after_first_point(fraction):
        calls.append(fraction)
        return fraction > 0

    with pytest.raises(sim.Cancelled):
        sim.sweep(SCENARIO, PARAMS, workers=1, out=str(tmp_path / "s"), progress=stop_after_first_point, show_progress=False)
    assert calls
    done = check_partial_sweep(tmp_path / "s")
    assert 1 <= len(done)
    # Running the same sweep again resumes, and gives what an uninterrupted sweep gives.
    resumed = sim.sweep(SCENARIO, PARAMS, workers=2, out=str(tmp_path / "s"), show_progress=False)
    assert resumed.skipped == len(done) and resumed.ran == len(PARAMS["seed"]) - len(done)
    whole = sim.sweep(SCENARIO, PARAMS, workers=2, show_progress=False)
    assert resumed.files == whole.files
    pd.testing.assert_frame_equal(resumed.cluster, whole.cluster)


def ctrl_c_once():
    """A progress callback that sends SIGINT to this process (as Ctrl-C does) once work is under way."""
    sent = []

    def callback(fraction):
        if fraction > 0 and not sent:
            sent.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGINT)
        return False

    return callback, sent


def test_keyboard_interrupt_stops_a_sweep_cleanly(tmp_path):
    callback, sent = ctrl_c_once()
    with pytest.raises(KeyboardInterrupt):
        sim.sweep(SCENARIO, PARAMS, workers=1, out=str(tmp_path / "s"), progress=callback, show_progress=False)
    assert sent
    print(f"\ninterrupted sweep returned {time.monotonic() - sent[0]:.2f} s after the SIGINT")
    check_partial_sweep(tmp_path / "s")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # no lock or staging file left


def test_keyboard_interrupt_of_a_run_keeps_the_previous_folder(tmp_path):
    sim.run("genslm", out=str(tmp_path / "o"), show_progress=False)
    before = folder_bytes(tmp_path / "o")
    callback, sent = ctrl_c_once()
    with pytest.raises(KeyboardInterrupt):
        sim.run(SCENARIO, out=str(tmp_path / "o"), progress=callback, show_progress=False)
    assert sent
    assert folder_bytes(tmp_path / "o") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o"]


def test_progress_callback_cancels_a_run_and_writes_nothing(tmp_path):
    with pytest.raises(sim.Cancelled):
        sim.run(SCENARIO, out=str(tmp_path / "o"), progress=lambda f: True, show_progress=False)
    assert not (tmp_path / "o").exists()
    assert list(tmp_path.iterdir()) == []


def test_progress_is_reported():
    seen = []
    sim.run(SCENARIO, progress=lambda f: seen.append(f) and False, show_progress=False)
    assert seen and all(0 <= f <= 1 for f in seen) and seen == sorted(seen)
