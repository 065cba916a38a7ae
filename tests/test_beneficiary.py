"""`heartlink beneficiary …`: register, find without accents, refuse duplicates, edit, archive."""

import unicodedata

from conftest import file_state

NAME = "Phạm Thanh Sơn"


def add(ok, name, *args):
    return ok("beneficiary", "add", name, *args, "--format", "json").json()


def test_add_prints_the_id_and_show_returns_the_profile(ok):
    result = ok(
        "beneficiary",
        "add",
        "Trương Thị Bích Ngọc",
        "-c",
        "orphan",
        "-c",
        "student",
        "--born",
        "2013",
        "--group",
        "39",
        "--address",
        "12 Trần Cao Vân",
        "--phone",
        "0905 123 456",
        "--school",
        "Tiểu học Hà Huy Tập",
        "--note",
        "Mẹ đỡ đầu",
        "--consent",
    )
    beneficiary_id = result.stdout.strip()
    assert len(beneficiary_id) == 26
    profile = ok("beneficiary", "show", beneficiary_id, "--format", "json").json()
    assert profile["id"] == beneficiary_id
    assert profile["name"] == "Trương Thị Bích Ngọc"
    assert profile["categories"] == ["orphan", "student"]
    assert profile["born"] == 2013
    assert profile["group"] == "tổ 39"
    assert profile["phone"] == "0905 123 456"
    assert profile["consent"] is True
    assert profile["household"] is False
    assert profile["handouts"] == []
    assert profile["created_by"] == "Officer Test"


def test_list_json_is_an_array_with_id_and_name(ok):
    add(ok, NAME)
    add(ok, "Hộ Nguyễn Thị Lan", "--household", "-c", "poor-household")
    rows = ok("beneficiary", "list", "--format", "json").json()
    assert [r["name"] for r in rows] == ["Hộ Nguyễn Thị Lan", NAME]
    assert all(r["id"] and r["code"] for r in rows)
    assert rows[0]["household"] is True


def test_search_ignores_accents_case_and_folds_d(ok):
    add(ok, NAME)
    add(ok, "Đặng Văn Đức")
    add(ok, "Phan Văn Sơn")

    def found(text):
        rows = ok("beneficiary", "list", "--search", text, "--format", "json").json()
        return [r["name"] for r in rows]

    assert found("pham thanh son") == [NAME]
    assert found("PHAM son") == [NAME]
    assert found("dang duc") == ["Đặng Văn Đức"]
    assert found("Đặng") == ["Đặng Văn Đức"]
    assert found("son") == [NAME, "Phan Văn Sơn"] or found("son") == ["Phan Văn Sơn", NAME]
    assert found("nobody") == []


def test_composed_and_decomposed_names_are_one_name(ok, run):
    nfd = unicodedata.normalize("NFD", "Nguyễn Văn Tài")
    assert nfd != "Nguyễn Văn Tài"
    first = add(ok, nfd, "--born", "1990")
    assert first["name"] == "Nguyễn Văn Tài"  # stored NFC
    result = run("beneficiary", "add", "Nguyễn Văn Tài", "--born", "1990")
    assert result.exit_code == 1 and "already exists" in result.stderr
    rows = ok("beneficiary", "list", "--search", nfd, "--format", "json").json()
    assert [r["id"] for r in rows] == [first["id"]]


def test_duplicate_refused_unless_forced(ok, run, db_path):
    first = add(ok, NAME, "--born", "1980", "--group", "tổ 39")
    before = file_state(db_path)
    result = run("beneficiary", "add", "pham thanh son", "--born", "1980", "--group", "To 39")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: a beneficiary with the same name")
    assert first["code"] in result.stderr and "--force" in result.stderr
    assert NAME not in result.stderr  # no personal data in errors
    assert file_state(db_path) == before
    # A different birth year or group is a different person.
    add(ok, NAME, "--born", "1981", "--group", "tổ 39")
    add(ok, NAME, "--born", "1980", "--group", "tổ 40")
    add(ok, NAME, "--born", "1980", "--group", "tổ 39", "--force")
    assert len(ok("beneficiary", "list", "--format", "json").json()) == 4


def test_edit_changes_only_what_is_given(ok):
    b = add(ok, NAME, "-c", "student", "--born", "2008", "--phone", "0905000000")
    edited = ok(
        "beneficiary",
        "edit",
        b["code"],
        "--school",
        "THPT Thanh Khê",
        "-c",
        "orphan",
        "--phone",
        "",
        "--format",
        "json",
    ).json()
    assert edited["school"] == "THPT Thanh Khê"
    assert edited["categories"] == ["orphan"]
    assert edited["phone"] is None
    assert edited["born"] == 2008 and edited["name"] == NAME
    assert edited["updated_at"]


def test_edit_into_a_duplicate_is_refused(ok, run):
    add(ok, NAME, "--born", "1980")
    other = add(ok, "Phạm Thanh Sơm", "--born", "1980")
    result = run("beneficiary", "edit", other["code"], "--name", NAME)
    assert result.exit_code == 1 and "already exists" in result.stderr
    ok("beneficiary", "edit", other["code"], "--name", NAME, "--force")


def test_archive_hides_and_unarchive_brings_back(ok, run):
    b = add(ok, NAME)
    ok("beneficiary", "archive", b["code"])
    assert ok("beneficiary", "list", "--format", "json").json() == []
    rows = ok("beneficiary", "list", "--with-archived", "--format", "json").json()
    assert rows[0]["archived"] is True
    again = run("beneficiary", "archive", b["code"])
    assert again.exit_code == 1 and "already archived" in again.stderr
    ok("beneficiary", "unarchive", b["id"])
    assert len(ok("beneficiary", "list", "--format", "json").json()) == 1


def test_show_lists_handouts_received_but_not_voided_ones(ok):
    b = add(ok, "Lê Văn Phúc", "-c", "student")
    ok("record", "bicycle", "-n", "1", "--to", b["code"], "-d", "2023-08-28")
    wrong = ok("record", "uniform", "-n", "9", "--to", b["code"], "-d", "2023-08-28")
    ok("handout", "void", wrong.stdout.strip(), "--reason", "wrong child")
    ok("record", "school-supplies", "-n", "1", "--to", b["code"], "-d", "2024-08-26")
    profile = ok("beneficiary", "show", b["code"], "--format", "json").json()
    assert [(h["date"], h["kind"]) for h in profile["handouts"]] == [
        ("2023-08-28", "bicycle"),
        ("2024-08-26", "school-supplies"),
    ]
    table = ok("beneficiary", "show", b["code"]).stdout
    assert "Lê Văn Phúc" in table and "bicycle" in table and "Handouts received: 2" in table
    csv_lines = ok("beneficiary", "show", b["code"], "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,date,kind") and len(csv_lines) == 3


def test_filter_by_category(ok):
    add(ok, NAME, "-c", "orphan")
    add(ok, "Hộ Đỗ Thị Nga", "-c", "poor-household")
    rows = ok("beneficiary", "list", "-c", "Hộ nghèo", "--format", "json").json()
    assert [r["name"] for r in rows] == ["Hộ Đỗ Thị Nga"]


BAD = [
    (["beneficiary", "add", ""], 2, "name is empty"),
    (["beneficiary", "add", "   "], 2, "name is empty"),
    (["beneficiary", "add", "A", "-c", "orphn"], 2, "unknown category 'orphn'; did you mean"),
    (["beneficiary", "add", "A", "--born", "1850"], 2, "birth year is out of range"),
    (["beneficiary", "add", "A", "--born", "soon"], 2, "must be a year in digits"),
    (["beneficiary", "add", "A", "--phone", "call me"], 2, "phone number"),
    (["beneficiary", "show", "ZZZZZZZZ"], 1, "no beneficiary has that id or code"),
    (["beneficiary", "edit", "ZZZZZZZZ", "--note", "x"], 1, "no beneficiary"),
    (["beneficiary", "edit", "ZZZZZZZZ"], 2, "nothing to change"),
    (["beneficiary", "archive", "Nguyen"], 1, "no beneficiary"),
    (["beneficiary", "list", "-c", "rich"], 2, "unknown category"),
]


def test_bad_input_one_line_and_nothing_changed(ok, run, db_path):
    add(ok, NAME)
    before = file_state(db_path)
    for args, code, says in BAD:
        result = run(*args)
        assert result.exit_code == code, (args, result)
        assert result.stderr.startswith("Error: ") and says in result.stderr, (args, result)
        assert result.stderr.count("\n") == 1
        assert file_state(db_path) == before, args


def test_names_with_quotes_sql_and_emoji_are_stored_exactly(ok):
    name = 'O\'Neil "Bé"; DROP TABLE beneficiary; -- 🌸'
    b = add(ok, name, "--note", "ghi chú; 'x' 😀")
    profile = ok("beneficiary", "show", b["id"], "--format", "json").json()
    assert profile["name"] == name and profile["note"] == "ghi chú; 'x' 😀"
