"""1,000 train what-ifs in one process, timed beside 20 command-line processes (printed, not asserted)."""

import itertools
import subprocess
import time

import andromeda_sim as sim

MODELS = ["genslm-123m", "genslm-1.3b", "cerebras-gpt-1.3b"]


def what_ifs(n):
    grid = itertools.product(MODELS, range(1, 17), [4, 8, 12, 16, 24, 32, 48, 64], [1, 42, 7])
    return [dict(model=m, systems=s, batch=b, seed=seed) for m, s, b, seed in itertools.islice(grid, n)]


def test_thousand_train_what_ifs_beside_twenty_cli_processes(cli, capsys):
    questions = what_ifs(1000)
    assert len(questions) == 1000
    sim.train()  # load the library first: its one-time start is not a what-if
    t0 = time.perf_counter()
    answers = [sim.train(**q) for q in questions]
    in_process = time.perf_counter() - t0
    t0 = time.perf_counter()
    printed = []
    for q in questions[:20]:
        done = subprocess.run([str(cli), "train", "--model", q["model"], "--systems", str(q["systems"]), "--batch", str(q["batch"]),
                               "--seed", str(q["seed"])], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        printed.append(done.stdout)
    processes = time.perf_counter() - t0
    # The same answers: the command line prints samples/s to 3 decimals.
    for out, a in zip(printed, answers[:20]):
        line = next(l for l in out.splitlines() if " samples/s " in l)
        assert line.split()[0] == f"{a['samples_per_s']:.3f}"
    with capsys.disabled():
        print(f"\n1,000 train what-ifs in one process: {in_process:.3f} s ({in_process / 1000 * 1e3:.2f} ms each); "
              f"20 andromeda-sim train processes: {processes:.3f} s ({processes / 20 * 1e3:.1f} ms each); "
              f"in-process is {processes / 20 / (in_process / 1000):.1f}x faster per question; "
              f"1,000 in-process {'took less' if in_process < processes else 'took MORE'} than 20 processes "
              f"({in_process / processes:.2f}x their time)")
