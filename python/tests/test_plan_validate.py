"""plan.*, validate() and train() give the command line's answers."""

import subprocess

import pandas as pd

import andromeda_sim as sim


def cli_out(cli, *args):
    done = subprocess.run([str(cli), *args], capture_output=True, text=True, timeout=600)
    return done


def test_min_systems(cli):
    a = sim.plan.min_systems("genslm-1.3b", batch=16, samples=700_000, deadline_h=12, show_progress=False)
    out = cli_out(cli, "plan", "min-systems", "--model", "genslm-1.3b", "--batch", "16", "--samples", "700000", "--deadline-h", "12")
    assert out.returncode == 0, out.stderr
    assert f"fewest systems meeting 12.0 h: {a.systems} " in out.stdout
    assert list(a.tried["systems"]) == list(range(1, a.systems + 1))
    for row in a.tried.itertuples():
        assert f"{row.systems:3d} systems: {row.time_to_train_h:.2f} h" in out.stdout
    assert a.result is not None and a.result["systems"] == a.systems


def test_memoryx(cli):
    a = sim.plan.memoryx("andromeda-multitenant", show_progress=False)
    out = cli_out(cli, "plan", "memoryx", "andromeda-multitenant")
    assert out.returncode == 0, out.stderr
    assert f"largest job: {a.largest_job_bytes / 1e9:.1f} GB" in out.stdout
    assert f"peak held at once under easy-backfill: {a.peak_concurrent_bytes / 1e9:.1f} GB" in out.stdout


def test_max_rate(cli):
    a = sim.plan.max_rate("andromeda-multitenant", p95_wait_h=6, jobs=100, show_progress=False)
    out = cli_out(cli, "plan", "max-rate", "andromeda-multitenant", "--p95-wait-h", "6", "--jobs", "100")
    assert out.returncode == 0, out.stderr
    assert a.rate_per_h is not None
    assert f"highest rate with P95 wait <= 6.00 h: {a.rate_per_h:.6g} jobs/h" in out.stdout
    assert len(a.tried) <= a.iteration_bound


def test_validate_matches_validation_csv(cli, tmp_path):
    frame = sim.validate(show_progress=False)
    out = cli_out(cli, "validate", "--out", str(tmp_path / "v"))
    # validate exits 1 when a gated row is outside its tolerance; the table is written either way.
    assert out.returncode in (0, 1), out.stderr
    assert frame.attrs["passed"] == (out.returncode == 0)
    pd.testing.assert_frame_equal(frame, pd.read_csv(tmp_path / "v" / "validation.csv"))
    assert len(frame) > 10


def test_sweep_matches_the_cli(cli, tmp_path):
    r = sim.sweep("genslm", {"systems": [1, 2, 4], "defect_rate": [0, 0.1]}, workers=2, show_progress=False)
    out = cli_out(cli, "sweep", "genslm", "--param", "systems=1,2,4", "--param", "defect_rate=0,0.1", "--workers", "1",
                  "--out", str(tmp_path / "s"), "--quiet")
    assert out.returncode == 0, out.stderr
    assert r.files["sweep_scaling.csv"] == (tmp_path / "s" / "sweep_scaling.csv").read_text()
    assert r.files["sweep_cluster.csv"] == (tmp_path / "s" / "sweep_cluster.csv").read_text()
    assert r.points == 6 and list(r.scaling["point"].unique()) == list(range(6))
