"""`heartlink import` on files that once slipped through: workbooks that under-declare their
size, anonymised exports, rows wider than their header, cells too long for the csv module,
folders, control characters, personal data in messages, and the cost of the duplicate check."""

import re
import sqlite3
import sys
import zipfile
from collections import Counter

import pytest
from openpyxl import Workbook

from heartlink import beneficiaries, db, importer, text

from conftest import file_state

HEADER = "date,kind,count,beneficiary,programme,place,value_vnd,note\n"
# A name that must never be shown back: it stands for whatever a person typed.
NAME = "Nguyễn Văn Tèo"


def write(path, content, encoding="utf-8"):
    path.write_text(content, encoding=encoding)
    return str(path)


def people_count(db_path):
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM beneficiary").fetchone()[0]
    finally:
        conn.close()


# 1. Workbooks whose <dimension> under-reports their size --------------------------------------


def _declaring(path, ref):
    """The workbook at `path`, rewritten so that its first sheet declares the size `ref`."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, found = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', sheet)
    assert found == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return str(path)


def _handout_book(path, rows):
    book = Workbook()
    book.active.append(["date", "kind", "count"])
    for day in range(rows):
        book.active.append([f"2023-01-{day % 28 + 1:02d}", "meal", day + 1])
    book.save(path)
    return path


@pytest.mark.parametrize("ref", ["A1:C2", "A1:B6", "A1"])
def test_a_workbook_declaring_fewer_rows_or_columns_is_read_whole(ok, tmp_path, ref):
    sheet = _declaring(_handout_book(tmp_path / "h.xlsx", 5), ref)
    summary = ok("import", "handouts", sheet, "--format", "json").json()
    assert (summary["rows"], summary["imported"]) == (5, 5)
    counts = sorted(h["count"] for h in ok("handout", "list", "--format", "json").json())
    assert counts == [1, 2, 3, 4, 5]


def test_a_workbook_declaring_too_few_rows_is_read_whole_and_its_size_known(tmp_path):
    sheet = _declaring(_handout_book(tmp_path / "h.xlsx", 1100), "A1:C2")
    calls = []
    with db.open_for_write(tmp_path / "h.db") as ledger:
        summary = importer.import_handouts(
            ledger, sheet, officer="test", progress=lambda done, total: calls.append((done, total))
        )
    assert summary["imported"] == 1100
    # python-calamine reads the sheet's cells, not the size it declares: the header and 1100 rows.
    assert calls == [(500, 1101), (1000, 1101), (1100, 1100)]


def test_the_progress_bar_has_no_end_while_the_total_is_unknown(monkeypatch):
    from heartlink.cli import imports

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with imports._ProgressBar() as progress:
        progress(imports.PROGRESS_ROWS + 500, None)
        bar = progress.__self__.bar
        assert bar.tasks[0].total is None and bar.tasks[0].completed == imports.PROGRESS_ROWS + 500
        progress(imports.PROGRESS_ROWS + 900, imports.PROGRESS_ROWS + 900)
        assert bar.tasks[0].total == imports.PROGRESS_ROWS + 900


# 2. The export without personal data -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_anonymised_export_is_refused_before_the_real_one(ok, run, sample_2023, tmp_path, fmt):
    anonymous, personal = tmp_path / f"codes.{fmt}", tmp_path / f"people.{fmt}"
    ok("export", "beneficiaries", "-o", str(anonymous))
    ok("export", "beneficiaries", "--include-personal-data", "-o", str(personal))
    fresh = tmp_path / "fresh.db"
    refused = run("import", "beneficiaries", str(anonymous), db=fresh)
    assert refused.exit_code == 1, refused
    assert refused.stderr.startswith(f"Error: {anonymous.name}")
    assert "is the export without personal data: names are codes" in refused.stderr
    assert "export with --include-personal-data" in refused.stderr
    assert refused.stderr.count("\n") == 1 and not fresh.exists()
    # The real file then brings everyone, under their names.
    imported = ok("import", "beneficiaries", str(personal), "-f", "json", db=fresh).json()
    assert imported["imported"] == 24
    names = {p["name"] for p in ok("beneficiary", "list", "-f", "json", db=fresh).json()}
    assert names == {p["name"] for p in ok("beneficiary", "list", "-f", "json").json()}


def test_the_anonymised_export_is_refused_after_the_real_one(ok, run, sample_2023, tmp_path):
    anonymous, personal = tmp_path / "codes.csv", tmp_path / "people.csv"
    ok("export", "beneficiaries", "-o", str(anonymous))
    ok("export", "beneficiaries", "--include-personal-data", "-o", str(personal))
    fresh = tmp_path / "fresh.db"
    ok("import", "beneficiaries", str(personal), db=fresh)
    before = file_state(fresh)
    for dry_run in ([], ["--dry-run"]):
        refused = run("import", "beneficiaries", str(anonymous), *dry_run, db=fresh)
        assert refused.exit_code == 1 and "export without personal data" in refused.stderr
    assert file_state(fresh) == before and people_count(fresh) == 24


# 3. Rows wider than their header --------------------------------------------------------------


def test_a_row_with_more_cells_than_the_header_is_a_problem(run, ok, db_path, tmp_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    sheet = write(
        tmp_path / "wide.csv",
        HEADER + "2023-01-02,meal,5,,,,,\n2023-01-09,meal,6,,,,,,x\n2023-01-16,meal,7,,,,,,,,y,\n",
    )
    result = run("import", "handouts", sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "  row 3: 9 cells, the header has 8; give the extra cells a heading or remove them",
        "  row 4: 11 cells, the header has 8; give the extra cells a heading or remove them",
    ]
    assert "x" not in result.stderr.split("Error:")[0].replace("extra", "")
    assert file_state(db_path) == before


def test_empty_cells_past_the_header_are_trailing_separators(ok, tmp_path):
    sheet = write(
        tmp_path / "excel.csv",
        "date;kind;count;;\n2023-01-02;meal;5;;;;\n2023-01-09;meal;6\n2023-01-16;meal;7;; ;\n",
    )
    assert ok("import", "handouts", sheet, "-f", "json").json()["imported"] == 3


def test_a_workbook_row_past_its_header_is_a_problem_too(run, tmp_path):
    book = Workbook()
    book.active.append(["date", "kind", "count"])
    book.active.append(["2023-01-02", "meal", 5, None, "x"])
    book.save(tmp_path / "w.xlsx")
    result = run("import", "handouts", str(tmp_path / "w.xlsx"))
    assert "  row 2: 5 cells, the header has 3;" in result.stderr and result.exit_code == 1


# 4. The duplicate check costs one reading of the ledger, not one a row ------------------------


def _people_sheet(path, first, count):
    rows = "".join(f"Người {n},{1950 + n % 60},tổ {n % 40}\n" for n in range(first, first + count))
    return write(path, "name,born,group\n" + rows)


def test_the_duplicate_check_reads_everyone_once_not_once_a_row(tmp_path, monkeypatch):
    """Importing N people into a ledger of M folds names a few times N + M, not N × M (which
    made 30,000 rows take over 11 minutes)."""
    here, new = 60, 120
    with db.open_for_write(tmp_path / "p.db") as ledger:
        importer.import_beneficiaries(
            ledger, _people_sheet(tmp_path / "a.csv", 0, here), officer="t"
        )
        folds: Counter[str] = Counter()

        def counted(where):
            def fold(value):
                folds[where] += 1
                return text.fold(value)

            return fold

        ledger.conn.create_function("heartlink_fold", 1, counted("sql"), deterministic=True)
        monkeypatch.setattr(beneficiaries, "fold", counted("python"))
        # Half the rows are people already here (linked), half are new.
        sheet = _people_sheet(tmp_path / "b.csv", here // 2, new)
        summary = importer.import_beneficiaries(ledger, sheet, officer="t")
    assert (summary["matched"], summary["imported"]) == (here // 2, new - here // 2)
    assert sum(folds.values()) <= 4 * (here + new), folds


# 5. Cells too long for the csv module, and folders ------------------------------------------


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        ("x" * 140_000, "note"),
        ('"' + "y" * 70_000 + "\n" + "z" * 70_000 + '"', "note"),
        (',,"a ""b"", c"', None),
    ],
)
def test_a_cell_too_long_is_named_by_row_and_column(run, ok, db_path, tmp_path, cell, column):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    long = "w" * 140_000
    rows = "2023-01-02,meal,5,,,,,\n"
    if column:
        rows += f"2023-01-09,meal,6,,,,,{cell}\n"
        where = "row 3, column note"
    else:  # the long cell is the place, after a quoted note with quotes and a comma
        rows += f"2023-01-09,meal,6,,,{long}{cell}\n"
        where = "row 3, column place"
    result = run("import", "handouts", write(tmp_path / "long.csv", HEADER + rows))
    assert result.exit_code == 1, result
    assert result.stderr.startswith(f"Error: long.csv, {where}: a cell is longer than 131,072")
    assert "quote" not in result.stderr and result.stderr.count("\n") == 1
    assert file_state(db_path) == before


def test_a_cell_too_long_past_the_columns_read_is_named_by_position(run, tmp_path):
    sheet = write(
        tmp_path / "long.csv", "date,kind,count,other\n2023-01-02,meal,5," + "v" * 140_000
    )
    result = run("import", "handouts", sheet)
    assert "Error: long.csv, row 2, column 4: a cell is longer than" in result.stderr


@pytest.mark.parametrize("name", ["sheets", "sheets.csv", "book.xlsx"])
def test_a_folder_is_said_to_be_a_folder(run, tmp_path, name):
    (tmp_path / name).mkdir()
    result = run("import", "handouts", str(tmp_path / name))
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and "is a folder" in result.stderr
    assert "no file" not in result.stderr and result.stderr.count("\n") == 1


# 6. and 7. No cell content in any message; control characters --------------------------------


def test_the_importer_own_messages_never_show_a_cell(run, ok, tmp_path):
    """Problems found by the importer itself (ids, history columns, cells past the header, an
    officer's name) name the row and column only."""
    ok("record", "meal", "-n", "1")
    sheet = write(
        tmp_path / "h.csv",
        "date,kind,count,id,import_key,created_at,officer\n"
        f"2023-01-02,meal,5,{NAME},,,\n"
        f"2023-01-02,meal,5,,{NAME},,\n"
        f"2023-01-02,meal,5,,,{NAME},\n"
        f"2023-01-02,meal,5,,,,,{NAME}\n",
    )
    result = run("import", "handouts", sheet)
    assert result.exit_code == 1
    for where in ("row 2, column id", "row 3, column import_key", "row 4, column created_at"):
        assert where in result.stderr
    assert "  row 5: 8 cells, the header has 7" in result.stderr
    people = write(tmp_path / "p.csv", f"name,born,id\nAn,1990,{NAME}\nBình,1991,,{NAME}\n")
    second = run("import", "beneficiaries", people)
    assert "row 2, column id" in second.stderr and "  row 3: 4 cells" in second.stderr
    for shown in (result, second):
        assert NAME not in shown.stdout + shown.stderr
        assert "Nguy" not in shown.stderr and "Tèo" not in shown.stderr


def test_nul_and_other_control_characters_in_a_csv_are_row_problems(run, ok, db_path, tmp_path):
    ok("record", "meal", "-n", "1")
    before = file_state(db_path)
    sheet = tmp_path / "nul.csv"
    sheet.write_bytes(
        b"date,kind\x00,count,note\n2023-01-02\x00,meal,5,ok\n2023-01-09,meal,\x07,a\x00b\n"
    )
    result = run("import", "handouts", str(sheet))
    assert result.exit_code == 1 and "Traceback" not in result.stderr, result
    assert "row 2, column date:" in result.stderr and "row 3, column count:" in result.stderr
    assert [line for line in result.stderr.splitlines() if not line.startswith("  row ")] == [
        result.stderr.splitlines()[-1]
    ]
    assert file_state(db_path) == before


def test_no_wrong_cell_is_ever_shown_back_and_control_characters_are_refused(run, ok, tmp_path):
    """A sheet of wrong values, each holding the same name, in every column: every problem is
    reported by row and column, and the name appears nowhere."""
    ok("record", "meal", "-n", "1")
    handout_columns = [f.name for f in importer.HANDOUT_COLUMNS]
    sheet = write(
        tmp_path / "h.csv",
        ",".join(handout_columns) + "\n" + ",".join(f"{NAME} 1" for _ in handout_columns) + "\n",
    )
    result = run("import", "handouts", sheet)
    assert result.exit_code == 1
    for column in ("date", "kind", "count", "beneficiary", "programme", "value_vnd", "id"):
        assert f"row 2, column {column}:" in result.stderr
    person_columns = [f.name for f in importer.BENEFICIARY_COLUMNS]
    people = write(
        tmp_path / "p.csv",
        ",".join(person_columns) + "\n" + ",".join(f"{NAME} 1" for _ in person_columns) + "\n",
    )
    second = run("import", "beneficiaries", people)
    # A group is free text ("tổ 39", "Khu phố 2"): a name there is a group, not a problem.
    for column in ("categories", "born", "phone", "consent", "id", "household"):
        assert f"row 2, column {column}:" in second.stderr
    for shown in (result, second):
        assert NAME not in shown.stdout + shown.stderr and "Tèo" not in shown.stderr
    # Control characters in text fields are refused as problems of their row and column.
    controls = tmp_path / "c.csv"
    controls.write_bytes(
        b"date,kind,count,place,note,officer\n2023-01-02,meal,5,a\x00b,c\x1bd,Trung \x07Lan\n"
    )
    third = run("import", "handouts", str(controls))
    for column in ("place", "note", "officer"):
        assert f"row 2, column {column}:" in third.stderr
