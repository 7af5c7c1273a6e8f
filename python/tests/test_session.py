"""A session (the library's cache of deterministic work) changes how fast a call is, never its reply."""

import itertools
import json
import threading

import pytest

import andromeda_sim as sim
from andromeda_sim import _native

QUESTIONS = [dict(model=m, systems=s, batch=b, seed=seed)
             for m, s, b, seed in itertools.product(["genslm-123m", "cerebras-gpt-1.3b"], [1, 5, 16], [4, 48], [1, 7])]
QUESTIONS += [dict(model="genslm-123m", systems=3, batch=16, seed=2, steps=30, full_detail=True),
              dict(model="llama2-7b", systems=2, batch=64, system="cs-3"),
              dict(model="genslm-1.3b", systems=2, batch=32, micro_batch=5)]


def raw_reply(question, session):
    """The reply's bytes, through `session` (None: andromeda_call)."""
    request = dict(op="train", **question)
    payload = json.dumps(request).encode()
    return _native._invoke(_native._library(), payload, _native._NO_PROGRESS, None,
                           session.handle if session is not None else None)


def test_session_replies_are_the_bytes_of_calls_without_one():
    plain = [raw_reply(q, None) for q in QUESTIONS]
    with sim.Session() as s:
        cold = [raw_reply(q, s) for q in QUESTIONS]
        warm = [raw_reply(q, s) for q in reversed(QUESTIONS)][::-1]
    assert cold == plain
    assert warm == plain
    # The module's train: the package's default session, an explicit one, and none, alike.
    for q in QUESTIONS[:6]:
        assert sim.train(**q) == sim.train(**q, session=False) == sim.Session().train(**q)


def test_threads_sharing_a_session_agree():
    plain = [raw_reply(q, None) for q in QUESTIONS]
    session = sim.Session()
    results, errors = [None] * 4, []
    barrier = threading.Barrier(4)

    def work(i):
        try:
            barrier.wait()
            order = QUESTIONS[i * 3:] + QUESTIONS[:i * 3]   # each thread from its own start
            got = {json.dumps(q, sort_keys=True): raw_reply(q, session) for q in order}
            results[i] = [got[json.dumps(q, sort_keys=True)] for q in QUESTIONS]
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for r in results:
        assert r == plain
    session.close()


def test_a_closed_session_refuses_calls():
    s = sim.Session()
    s.close()
    s.close()  # twice is harmless
    with pytest.raises(ValueError):
        s.train()
