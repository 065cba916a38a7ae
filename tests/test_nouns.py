"""The nouns' descriptions (heartlink.nouns) drive the commands: options, exports, lists, card;
and handouts are append-only entries (heartlink.entries)."""

import csv
import io

import pytest

from heartlink.nouns import BENEFICIARY, HANDOUT, Private


@pytest.mark.parametrize("command", ["add", "edit"])
def test_add_and_edit_offer_an_option_per_described_field_in_its_order(ok, command):
    help_text = ok("beneficiary", command, "--help").stdout
    flags = [
        field.option.flags[0].split("/")[0]
        for field in BENEFICIARY.of(BENEFICIARY.options)
        if command == "edit" or not field.required
    ]
    positions = [help_text.index(f"│ {flag} ") for flag in flags]
    assert positions == sorted(positions)
    for field in BENEFICIARY.of(BENEFICIARY.options):
        if command == "edit" or not field.required:
            assert field.option.help.split()[0] in help_text


def test_every_option_of_add_reaches_the_record(ok):
    profile = ok(
        "beneficiary", "add", "Lê Văn An", "-c", "orphan", "--born", "2012", "-g", "39",
        "--address", "12 Lý Thái Tổ", "--phone", "0905 123 456", "--school", "THCS A",
        "--note", "n", "--consent", "--household", "-f", "json",
    ).json()  # fmt: skip
    given = {
        "name": "Lê Văn An", "categories": ["orphan"], "born": 2012, "group": "tổ 39",
        "address": "12 Lý Thái Tổ", "phone": "0905 123 456", "school": "THCS A", "note": "n",
        "consent": True, "household": True,
    }  # fmt: skip
    assert set(given) == {field.name for field in BENEFICIARY.settable}
    assert {key: profile[key] for key in given} == given
    changed = ok("beneficiary", "edit", profile["code"], "--person", "--phone", "", "-f", "json")
    assert (changed.json()["household"], changed.json()["phone"]) == (False, None)


def test_an_export_without_personal_data_writes_what_the_description_says(ok, tmp_path):
    profile = ok(
        "beneficiary", "add", "Trần Thị Bé", "--address", "A", "--phone", "0905 000 111",
        "--note", "N", "--school", "S", "-f", "json",
    ).json()  # fmt: skip
    (row,) = csv.DictReader(io.StringIO(ok("export", "beneficiaries").stdout))
    assert list(row) == list(BENEFICIARY.exported)
    for field in BENEFICIARY.of(BENEFICIARY.exported):
        if field.private is Private.CODE:
            assert row[field.name] == profile["code"]
        elif field.private is Private.EMPTY:
            assert row[field.name] == ""
    assert row["school"] == "S" and row["id"] == profile["id"]
    ok("export", "beneficiaries", "--include-personal-data", "-o", str(tmp_path / "p.csv"))
    with open(tmp_path / "p.csv", encoding="utf-8-sig") as stream:
        (personal,) = csv.DictReader(stream)
    assert (personal["name"], personal["address"], personal["note"]) == ("Trần Thị Bé", "A", "N")


def test_every_exported_column_imports_back_by_its_vietnamese_heading(ok, tmp_path):
    ok("record", "meal", "-n", "3", "--place", "P", "--date", "2023-03-06")
    out = tmp_path / "h.csv"
    ok("export", "handouts", "--lang", "vi", "--include-personal-data", "-o", str(out))
    header = out.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    names = ["Tên loại", "Đơn vị tính", "Tên chương trình"]  # Vietnamese names, for people
    assert header == [f.vi for f in HANDOUT.of(HANDOUT.exported + HANDOUT.personal)] + names
    summary = ok("import", "handouts", str(out), "--dry-run", "-f", "json").json()
    # Read back: every column but those that are written for people only.
    assert summary["ignored_columns"] == ["Đơn vị", "Họ tên người nhận", *names]
    assert summary["already_present"] == 1


def test_a_handout_is_voided_once_audited_and_left_out_of_totals(ok, run):
    code = ok("record", "meal", "-n", "7", "--date", "2023-03-06", "-f", "json").json()["code"]
    ok("handout", "void", code, "--reason", "typed twice")
    again = run("handout", "void", code, "--reason", "again")
    assert again.exit_code == 1
    assert again.stderr == f"Error: handout {code} is already voided\n"
    actions = [entry["action"] for entry in ok("log", "-f", "json").json()]
    assert actions.count("handout.record") == 1 and actions.count("handout.void") == 1
    assert ok("report", "2023", "-f", "json").json()["totals"] == []
    assert ok("check").exit_code == 0


def test_lists_and_the_card_are_headed_by_the_descriptions_labels(ok):
    code = ok("beneficiary", "add", "Võ Thị Cúc", "-f", "json").json()["code"]
    listed = ok("beneficiary", "list").stdout
    for field in BENEFICIARY.of(BENEFICIARY.listed):
        assert field.label in listed
    card = ok("beneficiary", "show", code).stdout
    for field in BENEFICIARY.of(BENEFICIARY.card):
        assert field.label in card
