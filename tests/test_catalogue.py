"""`heartlink kind …`, `programme …`, `category …`."""

from conftest import file_state

DEFAULT_KINDS = {
    "meal",
    "cake",
    "lemonade",
    "bicycle",
    "uniform",
    "school-supplies",
    "voucher",
    "cash",
    "livelihood-kit",
    "exam-prep",
    "gift",
}
DEFAULT_PROGRAMMES = {
    "meals",
    "tet-cakes",
    "school-support",
    "godmother",
    "livelihood",
    "exam-prep",
    "lemonade",
}


def test_default_catalogue_is_bilingual_with_default_programmes(ok):
    kinds = {k["slug"]: k for k in ok("kind", "list", "--format", "json").json()}
    assert set(kinds) >= DEFAULT_KINDS
    assert kinds["meal"]["name_vi"] == "Suất cơm" and kinds["meal"]["unit_vi"] == "suất"
    assert kinds["cash"]["unit_en"] == "VND" and kinds["cash"]["unit_value_vnd"] == 1
    expected = {
        "meal": "meals",
        "cake": "tet-cakes",
        "voucher": "tet-cakes",
        "bicycle": "school-support",
        "uniform": "school-support",
        "school-supplies": "school-support",
        "cash": "godmother",
        "livelihood-kit": "livelihood",
        "exam-prep": "exam-prep",
        "lemonade": "lemonade",
    }
    assert {slug: kinds[slug]["programme"] for slug in expected} == expected
    programmes = {p["slug"]: p for p in ok("programme", "list", "--format", "json").json()}
    assert set(programmes) >= DEFAULT_PROGRAMMES
    assert programmes["meals"]["name_vi"] == "Bữa cơm nhân ái"
    categories = {c["slug"] for c in ok("category", "list", "--format", "json").json()}
    assert {
        "poor-household",
        "near-poor-household",
        "orphan",
        "student",
        "patient",
        "after-rehab",
        "elderly",
        "disabled",
        "other",
    } <= categories


def test_kind_add_then_record_with_its_unit_value(ok):
    ok(
        "programme",
        "add",
        "flood-relief",
        "--name-vi",
        "Cứu trợ lũ lụt",
        "--name-en",
        "Flood relief",
    )
    added = ok(
        "kind",
        "add",
        "rice",
        "--unit",
        "kg",
        "--unit-vi",
        "kg",
        "--name-vi",
        "Gạo",
        "--unit-value",
        "20.000",
        "-p",
        "flood-relief",
        "--format",
        "json",
    ).json()
    assert added["id"] == "rice" and added["unit_value_vnd"] == 20_000
    record = ok("record", "rice", "-n", "50", "--format", "json").json()
    assert (record["programme"], record["value_vnd"]) == ("flood-relief", 1_000_000)
    assert "rice" in ok("kind", "list").stdout


def test_kind_edit_does_not_change_recorded_values(ok):
    ok("kind", "edit", "meal", "--unit-value", "25000")
    ok("record", "meal", "-n", "10", "-d", "2023-01-02")
    ok("kind", "edit", "meal", "--unit-value", "35000", "--name-vi", "Suất cơm nhân ái")
    [totals] = ok("report", "2023", "--format", "json").json()["totals"]
    assert totals["value_vnd"] == 250_000


def test_catalogue_csv_and_table(ok):
    lines = ok("kind", "list", "--format", "csv").stdout.splitlines()
    assert lines[0] == ("slug,name_en,name_vi,unit_en,unit_vi,unit_value_vnd,programme,track_stock")
    assert "Bữa cơm nhân ái" in ok("programme", "list").stdout


BAD = [
    (["kind", "add", "Meal Box", "--unit", "box", "--name-vi", "Hộp"], 2, "kind must be a slug"),
    (["kind", "add", "meal", "--unit", "box", "--name-vi", "Hộp"], 2, "already exists"),
    (["kind", "add", "box", "--unit", "box", "--name-vi", " "], 2, "Vietnamese name is empty"),
    (
        ["kind", "add", "box", "--unit", "box", "--name-vi", "Hộp", "-p", "x"],
        2,
        "unknown programme",
    ),
    (
        ["kind", "add", "box", "--unit", "box", "--name-vi", "Hộp", "--unit-value", "2.5"],
        2,
        "whole number",
    ),
    (["kind", "edit", "meel", "--unit-value", "1"], 2, "did you mean 'meal'"),
    (["kind", "edit", "meal"], 2, "nothing to change"),
    (["programme", "add", "meals", "--name-vi", "x"], 2, "already exists"),
    (["kind", "add", "box", "--name-vi", "Hộp"], 2, "Missing option '--unit'"),
]


def test_bad_catalogue_input(ok, run, db_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    for args, code, says in BAD:
        result = run(*args)
        assert result.exit_code == code, (args, result)
        assert result.stderr.startswith("Error: ") and says in result.stderr, (args, result)
        assert file_state(db_path) == before, args
