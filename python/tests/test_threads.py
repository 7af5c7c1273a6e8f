"""The same scenario and seed give the same results from several threads at once."""

import threading

import pandas as pd

import andromeda_sim as sim


def in_threads(n, fn):
    results, errors = [None] * n, []
    barrier = threading.Barrier(n)

    def work(i):
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return results


def test_two_threads_give_identical_dataframes():
    a, b = in_threads(2, lambda: sim.run("andromeda-multitenant", show_progress=False))
    for name in a.csv_files:
        pd.testing.assert_frame_equal(a.table(name), b.table(name))
    for frame in ("scaling", "policies", "jobs", "segments", "utilization"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame))
    assert {k: v for k, v in a.files.items() if k != "timing.json"} == {k: v for k, v in b.files.items() if k != "timing.json"}
    assert a.summary == b.summary


def test_threads_match_a_single_threaded_run():
    alone = sim.run("genslm-scaling", show_progress=False)
    many = in_threads(4, lambda: sim.run("genslm-scaling", show_progress=False))
    for r in many:
        pd.testing.assert_frame_equal(r.scaling, alone.scaling)


def test_train_from_threads():
    configs = [dict(model="genslm-1.3b", systems=s, batch=b) for s in (1, 2, 4, 8) for b in (8, 16)]
    alone = [sim.train(**c) for c in configs]
    together = in_threads(4, lambda: [sim.train(**c) for c in configs])
    for t in together:
        assert t == alone
