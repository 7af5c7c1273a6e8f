"""Bad input raises an exception naming the JSON path and what is allowed; it never crashes."""

import ctypes
import json
import math

import pytest

import andromeda_sim as sim
from andromeda_sim import _native
from conftest import REPO, folder_bytes


def test_train_argument_out_of_range():
    with pytest.raises(sim.InputError) as e:
        sim.train(systems=17)
    assert e.value.path == "$.systems"
    assert e.value.field == "systems"
    assert e.value.allowed == "1...16"
    assert isinstance(e.value, ValueError)


@pytest.mark.parametrize("kwargs, path", [
    (dict(batch=0), "$.batch"),
    (dict(model="no-such-model"), "$.model"),
    (dict(steps=-1), "$.steps"),
    (dict(system="cs-9"), "$.system"),
    (dict(batch=8, micro_batch=9), "$.micro_batch"),
    (dict(seq_len=0), "$.seq_len"),
    (dict(systems="two"), "$.systems"),
    (dict(systems=2.5), "$.systems"),
])
def test_train_bad_arguments(kwargs, path):
    with pytest.raises(sim.InputError) as e:
        sim.train(**kwargs)
    assert e.value.path == path
    assert e.value.message


def test_scenario_error_names_the_path_inside_the_scenario():
    scenario = json.loads((REPO / "Scenarios" / "genslm.json").read_text())
    scenario["cluster"] = dict(scenario.get("cluster", {}), systems=500)
    with pytest.raises(sim.InputError) as e:
        sim.run(scenario)
    assert e.value.path == "$.cluster.systems"
    assert e.value.file == "<scenario>"
    assert e.value.allowed is not None and "192" in e.value.allowed


def test_unknown_member_suggests_the_known_one():
    scenario = json.loads((REPO / "Scenarios" / "genslm.json").read_text())
    scenario["sede"] = 1
    with pytest.raises(sim.InputError) as e:
        sim.run(scenario)
    assert e.value.path == "$.sede"
    assert "seed" in e.value.message


@pytest.mark.parametrize("scenario", ["no-such-scenario", "missing/folder/file.json", "", "a\0b"])
def test_unknown_scenario_names(scenario):
    with pytest.raises(sim.InputError):
        sim.run(scenario)


@pytest.mark.parametrize("scenario", [123, None, [1, 2], {"version": 1}, {"version": 1, "name": 5}])
def test_scenarios_of_the_wrong_type(scenario):
    with pytest.raises(sim.InputError) as e:
        sim.run(scenario)  # type: ignore[arg-type]
    assert e.value.path is not None and e.value.path.startswith("$")


def test_values_json_cannot_hold():
    with pytest.raises(sim.InputError):
        sim.train(batch=math.nan)  # type: ignore[arg-type]
    with pytest.raises(sim.InputError):
        sim.run({"version": 1, "name": "x", "seed": object()})


def test_sweep_parameter_errors_name_the_element():
    with pytest.raises(sim.InputError) as e:
        sim.sweep("genslm", ["systems=1,2", "no_such_param=3"])
    assert e.value.path == "$.params[1]"
    with pytest.raises(sim.InputError) as e:
        sim.sweep("genslm", {"systems": [0]})
    with pytest.raises(sim.InputError) as e:
        sim.sweep("genslm", [])
    assert e.value.path == "$.params"


def test_plan_errors():
    with pytest.raises(sim.InputError) as e:
        sim.plan.min_systems("genslm-1.3b", batch=16, samples=700_000, deadline_h=0)
    assert e.value.path == "$.deadline_h"
    with pytest.raises(sim.InputError) as e:
        sim.plan.max_rate("genslm", p95_wait_h=6)
    assert e.value.path == "$.scenario"
    with pytest.raises(sim.InputError) as e:
        sim.plan.memoryx("andromeda-multitenant", policy="lifo")
    assert e.value.path == "$.policy"
    assert "easy-backfill" in (e.value.allowed or "")


def test_a_folder_of_the_users_is_refused_and_untouched(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    before = folder_bytes(mine)
    result = sim.run("genslm", show_progress=False)
    with pytest.raises(sim.OutputRefusedError):
        result.write(mine)
    with pytest.raises(sim.OutputRefusedError):
        sim.run("genslm", out=str(mine), show_progress=False)
    assert folder_bytes(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]


def test_write_refuses_names_a_run_does_not_write(tmp_path):
    result = sim.run("genslm", show_progress=False)
    for bad in ("../escape.csv", "/etc/passwd", "fifo/../../x", ".hidden", "run.sh", "fifo/.x", "sub/dir/x.csv"):
        result.files[bad] = "x"
        with pytest.raises(sim.OutputRefusedError):
            result.write(tmp_path / "o")
        del result.files[bad]
    assert not (tmp_path / "o").exists()
    assert not (tmp_path / "escape.csv").exists()


def test_raw_c_abi_never_crashes():
    lib = _native._library()
    for request in [b"", b"{", b"[]", b"null", b'{"op": 1}', b'{"op": "nope"}', b'{"op": "version", "x": 1}',
                    b"\xff\xfe", b'{"op": "run"}', b'{"op": "train", "systems": 1e400}', b'{"op": "run", "scenario": {}}',
                    b"[" * 100000, b'{"op": "write_run", "out": "", "files": {}}']:
        pointer = lib.andromeda_call(request, _native.PROGRESS_FN(), None)
        assert pointer
        reply = json.loads(ctypes.string_at(pointer).decode())
        lib.andromeda_free(pointer)
        assert "error" in reply and reply["error"]["message"], request[:40]
    # A null request is an error reply too.
    pointer = lib.andromeda_call(None, _native.PROGRESS_FN(), None)
    assert "error" in json.loads(ctypes.string_at(pointer).decode())
    lib.andromeda_free(pointer)
    lib.andromeda_free(None)


@pytest.mark.parametrize("out", [123, "", "/", ".", "a\0b"])
def test_bad_output_folders(out, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sim.AndromedaSimError) as e:
        sim.run("genslm", out=out, show_progress=False)  # type: ignore[arg-type]
    assert e.value.kind in ("input", "output_refused")
    assert list(tmp_path.iterdir()) == []


def test_an_exception_in_a_progress_callback_stops_the_call_and_is_raised(tmp_path):
    def broken(fraction):
        raise ZeroDivisionError("from the callback")

    with pytest.raises(ZeroDivisionError):
        sim.run("andromeda-multitenant", out=str(tmp_path / "o"), progress=broken, show_progress=False)
    assert list(tmp_path.iterdir()) == []
