"""The station's identity: stored in the file, audited, sealed, and heading its documents."""

import sqlite3

import pytest

from heartlink import sample


def test_a_fresh_file_has_no_station_and_says_how_to_set_it(ok):
    result = ok("station", "show")
    assert "heartlink station set" in result.stdout
    assert ok("station", "show", "--format", "json").json() == {
        "id": None,
        "code": None,
        "name": None,
        "place": None,
        "head": None,
    }


def test_set_then_change_part_of_it(ok, db_path):
    first = ok("station", "set", "--name", "Công an phường Thanh Khê Đông", "--code", "tkd")
    station_id = first.stdout.strip()
    assert "Station TKD saved." in first.stderr
    ok("station", "set", "--place", "Đà Nẵng", "--head", "Phạm Thanh Sơn")
    shown = ok("station", "show", "--format", "json").json()
    assert shown == {
        "id": station_id,
        "code": "TKD",
        "name": "Công an phường Thanh Khê Đông",
        "place": "Đà Nẵng",
        "head": "Phạm Thanh Sơn",
    }
    assert "Station TKD unchanged." in ok("station", "set", "--code", "TKD").stderr
    ok("station", "set", "--head", "")
    assert ok("station", "show", "--format", "json").json()["head"] is None
    # the id is made once: a new code is the same station
    ok("station", "set", "--code", "TKD2")
    assert ok("station", "show", "--format", "json").json()["id"] == station_id
    actions = [e["action"] for e in ok("log", "--format", "json").json()]
    assert actions.count("station.set") == 4
    assert ok("check").exit_code == 0


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["--code", "TKD"], 2, "--name and --code"),
        (["--name", "Công an phường"], 2, "--name and --code"),
        ([], 2, "at least one of"),
        (["--name", "X", "--code", "T K D"], 2, "--code"),
        (["--name", "X", "--code", "ABCDEFGHIJKLMNOPQ"], 2, "--code"),
        (["--name", " ", "--code", "TKD"], 2, "name"),
        (["--name", "a\x07b", "--code", "TKD"], 2, "name"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(run, ok, db_path, args, code, words):
    result = run("station", "set", *args)
    assert result.exit_code == code, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:") and words in lines[0], result
    assert "T K D" not in result.stderr and "a\x07b" not in result.stderr
    assert ok("station", "show", "--format", "json").json()["id"] is None


def test_a_station_edited_outside_heartlink_is_found_by_check(ok, run, db_path):
    ok("station", "set", "--name", "Công an phường Thanh Khê Đông", "--code", "TKD")
    assert ok("check").exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE station SET name = 'Someone else'")
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    found = [f for f in result.json()["findings"] if f["kind"] != "ok"]
    assert any("station" in f"{f['target']} {f['detail']}" for f in found), found


def test_the_sample_is_the_article_s_station(ok):
    shown = ok("--sample", "station", "show", "--format", "json").json()
    assert shown["code"] == "TKD" and shown["place"] == "Đà Nẵng"
    assert shown["id"] == sample.STATION["station_id"]
    assert shown["name"] == "Công an phường Thanh Khê Đông"


def test_workbooks_leave_the_name_out_until_it_is_set(ok, tmp_path):
    from openpyxl import load_workbook

    ok("record", "meal", "-n", "3", "--date", "2023-01-02")
    out = tmp_path / "t.xlsx"
    ok("export", "totals", "--year", "2023", "-o", str(out))
    title = load_workbook(out).worksheets[0]["A1"].value
    assert not title.startswith(" —") and "2023" in title
