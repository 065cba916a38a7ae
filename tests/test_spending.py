"""`heartlink spend`, `spending list`, `spending void`, `export spending`, `import spending`:
money paid out of the funds, append-only, audited, and `check` clean after every write."""

import hashlib
import sqlite3

import pytest

from conftest import heartlink_process

MEALS = {"--amount": "3.000.000", "--programme": "meals", "--for": "gạo, rau, thịt"}


def spend_args(*extra: str) -> list[str]:
    """`heartlink spend` for the Monday meals, with the options in `extra` given instead (an
    option is given once: heartlink refuses repeats)."""
    options = dict(MEALS)
    rest = []
    pairs = iter(extra)
    for flag in pairs:
        if flag in options:
            options[flag] = next(pairs)
        else:
            rest.append(flag)
    return ["spend", *(part for pair in options.items() for part in pair), *rest]


def fingerprint(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def assert_clean(ok):
    report = ok("check", "--format", "json").json()
    assert report["ok"] is True, report["findings"]


def spend(ok, *extra: str) -> dict:
    return ok(*spend_args(*extra), "--format", "json").json()


def test_spend_records_a_line_from_a_fund_and_checks_clean(ok):
    result = ok(*spend_args("--date", "06/03/2023", "--reference", "HD-01", "--note", "chợ Cồn"))
    assert "Recorded spending of 3,000,000 ₫ from meals on 2023-03-06" in result.stderr
    [line] = ok("spending", "list", "--format", "json").json()
    assert line["amount_vnd"] == 3_000_000
    assert (line["programme"], line["purpose"], line["date"]) == (
        "meals",
        "gạo, rau, thịt",
        "2023-03-06",
    )
    assert (line["reference"], line["note"], line["officer"]) == (
        "HD-01",
        "chợ Cồn",
        "Officer Test",
    )
    assert line["buys_kind"] is None and line["quantity"] is None
    assert result.stdout.strip() == line["id"]
    [entry] = [e for e in ok("log", "--format", "json").json() if e["action"] == "spending.record"]
    assert entry["target"] == line["id"]
    assert_clean(ok)


def test_the_general_fund_and_a_name_of_a_programme(ok):
    assert spend(ok, "--programme", "general")["programme"] == "general"
    assert spend(ok, "--programme", "Bữa cơm nhân ái")["programme"] == "meals"


def test_spending_more_than_a_fund_holds_is_allowed(ok):
    # Nothing was ever received: the officers advance the money.
    assert spend(ok, "--amount", "900.000.000")["amount_vnd"] == 900_000_000


def test_buying_a_kind_not_tracked_says_how_to_track_it(ok):
    result = ok(*spend_args("--buys", "cake", "--quantity", "700"))
    assert "kind edit cake --track-stock" in result.stderr
    [line] = ok("spending", "list", "--format", "json").json()
    assert (line["buys_kind"], line["quantity"]) == ("cake", 700)
    ok("kind", "edit", "cake", "--track-stock")
    assert "track-stock" not in ok(*spend_args("--buys", "cake", "--quantity", "1")).stderr
    assert_clean(ok)


BAD = [
    (["--amount", "0"], 2, "amount must be at least 1 đồng"),
    (["--amount", "-5"], 2, "amount"),
    (["--amount", "1,5"], 2, "amount must be a whole number"),
    (["--amount", "2.000.000.000.000"], 2, "amount is over a trillion VND"),
    (["--amount", "many"], 2, "amount must be a whole number"),
    (["--programme", "mealz"], 2, "unknown programme 'mealz'; did you mean 'meals'?"),
    (["--for", "  "], 2, "purpose is empty"),
    (["--buys", "cake"], 2, "a kind bought (--buys) needs its quantity (--quantity)"),
    (["--quantity", "5"], 2, "a quantity (--quantity) needs the kind bought (--buys)"),
    (["--buys", "caek", "--quantity", "5"], 2, "unknown kind 'caek'; did you mean 'cake'?"),
    (["--buys", "cake", "--quantity", "0"], 2, "quantity must be at least 1"),
    (["--date", "2999-01-01"], 2, "date is in the future"),
    (["--date", "30/02/2023"], 2, "date does not exist"),
    (["--note", "a\x07b"], 2, "note has a control character"),
]


@pytest.mark.parametrize(("extra", "code", "message"), BAD, ids=[b[2] for b in BAD])
def test_bad_spending_is_refused_with_one_line_and_nothing_changed(
    ok, run, db_path, extra, code, message
):
    spend(ok)  # the database exists, so that "unchanged" means something
    before = fingerprint(db_path)
    result = run(*spend_args(*extra))
    assert result.exit_code == code, result
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert fingerprint(db_path) == before


def test_for_is_required(run):
    result = run("spend", "--amount", "100", "--programme", "meals")
    assert result.exit_code == 2 and "--for" in result.stderr


def test_purpose_typed_is_never_echoed_in_errors(run):
    result = run(*spend_args("--for", "Nguyễn Văn A\n0905123456"))
    assert result.exit_code == 2 and "purpose has a line break" in result.stderr
    assert "Nguyễn" not in result.stderr and "0905" not in result.stderr


def test_void_once_then_refused_and_the_list_leaves_it_out(ok, run):
    line = spend(ok)
    voided = ok("spending", "void", line["code"], "--reason", "typed twice", "--format", "json")
    assert voided.json()["voided"] is True
    assert ok("spending", "list", "--format", "json").json() == []
    [listed] = ok("spending", "list", "--with-voided", "--format", "json").json()
    assert listed["void_reason"] == "typed twice"
    again = run("spending", "void", line["code"], "--reason", "again")
    assert again.exit_code == 1
    assert again.stderr.strip() == f"Error: spending line {line['code']} is already voided"
    assert_clean(ok)


def test_void_of_an_unknown_code_and_without_reason(ok, run):
    spend(ok)
    assert run("spending", "void", "ZZZZZZZZ", "--reason", "x").exit_code == 1
    result = run("spending", "void", "not a code!", "--reason", "x")
    assert result.exit_code == 2 and "not a spending line id or code" in result.stderr
    assert run("spending", "void", spend(ok)["code"], "--reason", " ").exit_code == 2


def test_spending_is_never_edited_or_deleted_behind_heartlink(ok, db_path):
    spend(ok)
    conn = sqlite3.connect(db_path)
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        conn.execute("UPDATE spending SET amount_vnd = 1")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM spending")
    conn.close()


def test_list_filters_by_year_and_programme(ok, run):
    spend(ok, "--date", "2022-12-31")
    spend(ok, "--date", "2023-01-02", "--programme", "general")
    spend(ok, "--date", "2023-01-03")
    rows = ok("spending", "list", "--year", "2023", "--format", "json").json()
    assert [r["date"] for r in rows] == ["2023-01-02", "2023-01-03"]
    rows = ok("spending", "list", "--programme", "meals", "--format", "json").json()
    assert [r["date"] for r in rows] == ["2022-12-31", "2023-01-03"]
    csv_lines = ok("spending", "list", "--format", "csv").stdout.splitlines()
    assert csv_lines[0].startswith("id,date,programme,amount_vnd,purpose")
    assert "gạo, rau, thịt" in ok("spending", "list").stdout
    assert run("spending", "list", "--programme", "nope").exit_code == 2


def test_the_yearly_totals_follow_records_and_voids(ok, db_path):
    first = spend(ok, "--date", "2023-03-06", "--buys", "meal", "--quantity", "100")
    spend(ok, "--date", "2023-03-13")
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT * FROM spending_year ORDER BY buys_kind").fetchall()
    assert rows == [
        (2023, "meals", "", 1, 3_000_000, 0),
        (2023, "meals", "meal", 1, 3_000_000, 100),
    ]
    ok("spending", "void", first["code"], "--reason", "wrong")
    assert conn.execute("SELECT * FROM spending_year").fetchall() == [
        (2023, "meals", "", 1, 3_000_000, 0)
    ]
    conn.close()


def test_export_spending_leaves_the_officer_out_and_voided_lines(ok, tmp_path):
    spend(ok, "--date", "2023-03-06")
    spend(ok, "--date", "2023-03-13", "--reference", "HD-2")
    voided = spend(ok, "--date", "2023-03-20")
    ok("spending", "void", voided["code"], "--reason", "x")
    text = ok("export", "spending", "--year", "2023").stdout
    lines = text.splitlines()
    assert lines[0] == (
        "date,programme,amount_vnd,purpose,buys_kind,quantity,reference,note,id,created_at,"
        "import_key"
    )
    assert len(lines) == 3 and "Officer Test" not in text
    vi = ok("export", "spending", "--lang", "vi").stdout.splitlines()[0]
    assert vi.startswith("Ngày,Quỹ (chương trình),Số tiền (đồng),Nội dung chi")
    out = tmp_path / "chi.csv"
    ok("export", "spending", "--include-personal-data", "--output", str(out))
    assert "Officer Test" in out.read_text(encoding="utf-8-sig")


def test_an_export_imports_back_into_another_ledger_and_twice_is_once(ok, tmp_path):
    spend(ok, "--date", "2023-03-06", "--buys", "meal", "--quantity", "100")
    spend(ok, "--date", "2023-03-13")
    out = tmp_path / "spending.xlsx"
    ok("export", "spending", "--output", str(out))
    other = tmp_path / "other.db"
    first = ok("--db", str(other), "import", "spending", str(out), db=None)
    assert "Imported 2 spending lines of 2 rows" in first.stderr
    again = ok("--db", str(other), "import", "spending", str(out), db=None)
    assert "Imported 0 spending lines of 2 rows" in again.stderr
    mine = ok("spending", "list", "--format", "json").json()
    theirs = ok("--db", str(other), "spending", "list", "--format", "json", db=None).json()
    assert [r["id"] for r in theirs] == [r["id"] for r in mine]
    assert ok("--db", str(other), "check", "--format", "json", db=None).json()["ok"] is True


def test_import_without_ids_is_idempotent_and_keeps_two_same_rows(ok, tmp_path):
    sheet = tmp_path / "chi-2023.csv"
    sheet.write_text(
        "Ngày;Quỹ;Số tiền;Nội dung chi;Mua;SL\n"
        "06/03/2023;meals;3.000.000;gạo, rau;;\n"
        "06/03/2023;meals;3.000.000;gạo, rau;;\n"
        "05/02/2023;Bánh tét xanh — cho ngày Tết ấm;35000000;bánh tét;cake;700\n",
        encoding="utf-8",
    )
    dry = ok("import", "spending", str(sheet), "--dry-run")
    assert "Would import 3 spending lines" in dry.stderr
    assert ok("spending", "list", "--format", "json").json() == []
    ok("import", "spending", str(sheet))
    assert "Imported 0 spending lines of 3 rows" in ok("import", "spending", str(sheet)).stderr
    rows = ok("spending", "list", "--format", "json").json()
    assert [(r["programme"], r["buys_kind"], r["quantity"]) for r in rows] == [
        ("tet-cakes", "cake", 700),
        ("meals", None, None),
        ("meals", None, None),
    ]
    assert_clean(ok)


def test_import_with_problems_names_row_and_column_and_imports_nothing(ok, run, tmp_path):
    sheet = tmp_path / "bad.csv"
    sheet.write_text(
        "date,programme,amount_vnd,purpose,buys_kind,quantity\n"
        "2023-03-06,meals,3000000,gạo,,\n"
        "2999-01-01,mealz,0,,cake,\n",
        encoding="utf-8",
    )
    result = run("import", "spending", str(sheet))
    assert result.exit_code == 1
    for problem in (
        "row 3, column purpose: purpose is empty",
        "row 3, column date: date is in the future",
        "row 3, column programme: unknown programme 'mealz'",
        "row 3, column amount_vnd: amount must be at least 1 đồng",
        "row 3, column quantity: a kind bought (--buys) needs its quantity",
    ):
        assert problem in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 5 problems in bad.csv")
    assert ok("spending", "list", "--format", "json").json() == []


def test_spend_in_a_real_process(tmp_path):
    db = tmp_path / "h.db"
    done = heartlink_process("--db", str(db), *spend_args())
    assert done.returncode == 0, done.stderr
    refused = heartlink_process("--db", str(db), *spend_args("--amount", "0"))
    assert refused.returncode == 2
    assert refused.stderr == "Error: amount must be at least 1 đồng\n"
