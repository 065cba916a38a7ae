"""`heartlink export`: each format read back gives the figures of `report`; personal data out by
default; files written whole, owner-only with personal data, never over another file."""

import csv
import io
import json
import stat
import sys
from collections import defaultdict

import pytest
from openpyxl import load_workbook

from conftest import SAMPLE_HANDOUT_ROWS, file_state

CANONICAL_HANDOUT = "date,kind,count,beneficiary,programme,place,value_vnd,note"
CANONICAL_BENEFICIARY = "name,categories,born,group,address,phone,school,note,consent"


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def report_json(ok, year="2023"):
    return ok("report", year, "--format", "json").json()


def test_totals_json_is_the_report(ok, sample_2023, tmp_path):
    out = tmp_path / "totals.json"
    ok("export", "totals", "--year", "2023", "--output", str(out))
    assert json.loads(out.read_text(encoding="utf-8")) == report_json(ok)
    assert ok("export", "totals", "-y", "2023", "-f", "json").json() == report_json(ok)


def test_totals_csv_is_the_report_with_a_bom(ok, sample_2023, tmp_path):
    out = tmp_path / "totals.csv"
    ok("export", "totals", "--year", "2023", "-o", str(out))
    rows = read_csv(out)
    report = report_json(ok)
    kinds = {row["key"]: row for row in rows if row["section"] == "kind"}
    for total in report["totals"]:
        row = kinds[total["kind"]]
        assert int(row["count"]) == total["count"]
        assert int(row["handouts"]) == total["handouts"]
        assert (int(row["value_vnd"]) if row["value_vnd"] else None) == total["value_vnd"]
    assert rows == list(csv.DictReader(io.StringIO(ok("report", "2023", "--format", "csv").stdout)))


def test_totals_workbook_has_a_sheet_per_view_with_the_report_figures(ok, sample_2023, tmp_path):
    out = tmp_path / "totals.xlsx"
    ok("station", "set", "--name", "CA phường Test", "--code", "T")
    ok("export", "totals", "--year", "2023", "-o", str(out))
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["By kind", "By programme", "By month", "By category", "By group"]
    report = report_json(ok)
    names = {row["name"]: row for row in report["totals"]}
    for sheet in workbook.worksheets:
        title = sheet["A1"].value
        assert "CA phường Test" in title and "2023" in title
        assert sheet.freeze_panes == "A3"
        header = [cell.value for cell in sheet[2]]
        assert sheet["A2"].font.bold
        assert "Count" in header and "Kind" in header
        kind_at, count_at = header.index("Kind"), header.index("Count")
        value_at = header.index("Value")
        summed = defaultdict(lambda: [0, 0])
        for row in sheet.iter_rows(min_row=3, values_only=True):
            if row[0] == "Total":  # the year's total row and its note close the sheet
                break
            assert isinstance(row[count_at], int), "numbers are numbers, not text"
            summed[row[kind_at]][0] += row[count_at]
            summed[row[kind_at]][1] += row[value_at] or 0
        assert {k: v[0] for k, v in summed.items()} == {k: r["count"] for k, r in names.items()}
        assert {k: v[1] for k, v in summed.items()} == {
            k: r["value_vnd"] or 0 for k, r in names.items()
        }
        for index, heading in enumerate(header, start=1):
            letter = sheet.cell(row=2, column=index).column_letter
            assert sheet.column_dimensions[letter].width >= len(heading)
    assert workbook["By kind"]["D3"].number_format == "#,##0"


def test_handouts_csv_columns_and_figures(ok, sample_2023, tmp_path):
    out = tmp_path / "handouts.csv"
    ok("export", "handouts", "--year", "2023", "-o", str(out))
    header = out.read_text(encoding="utf-8-sig").splitlines()[0]
    assert header == CANONICAL_HANDOUT + ",id,unit,created_at,import_key"
    rows = read_csv(out)
    report = report_json(ok)
    assert len(rows) == report["overall"]["handouts"]
    counts = defaultdict(int)
    for row in rows:
        counts[row["kind"]] += int(row["count"])
    assert counts == {row["kind"]: row["count"] for row in report["totals"]}


def test_handouts_workbook_and_json(ok, sample_2023, tmp_path):
    out = tmp_path / "handouts.xlsx"
    ok("export", "handouts", "-o", str(out))
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[2]]
    assert ",".join(header[:8]) == CANONICAL_HANDOUT and header[8] == "id"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == SAMPLE_HANDOUT_ROWS
    assert sum(row[2] for row in rows if row[1] == "meal") == 2950
    assert rows[0][0].year == 2023, "dates are dates"
    as_json = ok("export", "handouts", "--format", "json").json()
    assert len(as_json) == SAMPLE_HANDOUT_ROWS and list(as_json[0])[:8] == CANONICAL_HANDOUT.split(
        ","
    )


PERSON = ("Phạm Thanh Sơn", "0905 123 456", "12 Trần Cao Vân", "điều trị ung thư")


@pytest.fixture
def person(ok):
    name, phone, address, note = PERSON
    code = ok(
        "beneficiary", "add", name, "--phone", phone, "--address", address, "--note", note,
        "-c", "patient", "--born", "1970", "--format", "json",
    ).json()["code"]  # fmt: skip
    ok("record", "gift", "-n", "1", "--to", code, "--date", "2023-05-05", "--by", "Trung úy Lan")
    return code


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
@pytest.mark.parametrize("what", ["handouts", "beneficiaries"])
def test_personal_data_stays_out_by_default(ok, person, tmp_path, fmt, what):
    out = tmp_path / f"{what}.{fmt}"
    result = ok("export", what, "-o", str(out))
    assert "no names, phones or addresses" in result.stderr
    if fmt == "xlsx":
        cells = [c for row in load_workbook(out).active.iter_rows(values_only=True) for c in row]
        text = " ".join(str(c) for c in cells if c is not None)
    else:
        text = out.read_text(encoding="utf-8-sig")
    for private in (*PERSON, "Trung úy Lan"):
        assert private not in text
    if what == "beneficiaries":
        assert person in text and "patient" in text
    if sys.platform != "win32":
        assert stat.S_IMODE(out.stat().st_mode) & 0o044, "not personal: the usual mode"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_personal_data_when_asked_owner_only(ok, run, person, tmp_path, fmt):
    out = tmp_path / f"people.{fmt}"
    ok("export", "beneficiaries", "--include-personal-data", "-o", str(out))
    if fmt == "csv":
        rows = read_csv(out)
        assert (rows[0]["name"], rows[0]["phone"], rows[0]["address"]) == PERSON[:3]
    if sys.platform != "win32":
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
    handouts = tmp_path / f"handouts.{fmt}"
    ok("export", "handouts", "--include-personal-data", "-o", str(handouts))
    if fmt == "csv":
        row = read_csv(handouts)[0]
        assert (row["beneficiary_name"], row["officer"]) == (PERSON[0], "Trung úy Lan")
    if sys.platform != "win32":
        assert stat.S_IMODE(handouts.stat().st_mode) == 0o600
    to_stdout = run("export", "beneficiaries", "--include-personal-data")
    assert to_stdout.exit_code == 2 and "needs --output" in to_stdout.stderr
    assert to_stdout.stdout == ""


def test_never_overwrites_without_force(ok, run, sample_2023, tmp_path):
    out = tmp_path / "totals.csv"
    out.write_text("the head of station's own notes\n", encoding="utf-8")
    before = file_state(out)
    result = run("export", "totals", "-y", "2023", "-o", str(out))
    assert (
        result.exit_code == 1 and "already exists" in result.stderr and "--force" in result.stderr
    )
    assert result.stderr.count("\n") == 1
    assert file_state(out) == before
    ok("export", "totals", "-y", "2023", "-o", str(out), "--force")
    assert read_csv(out)[0]["section"] == "kind"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_failed_export_leaves_no_file(run, sample_2023, tmp_path, monkeypatch, fmt):
    from heartlink import exports

    def breaks_halfway(conn, **options):
        yield {"date": "2023-01-02", "kind": "meal", "count": 1}
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "handout_rows", breaks_halfway)
    out = tmp_path / f"handouts.{fmt}"
    result = run("export", "handouts", "-o", str(out))
    assert result.exit_code == 1 and "No space left" in result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "station"]


def test_default_workbook_name_and_csv_to_stdout(ok, sample_2023, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ok("export", "totals", "--year", "2023", "--format", "xlsx")
    assert (tmp_path / "heartlink-totals-2023.xlsx").exists()
    out = ok("export", "handouts", "--year", "2023").stdout
    # Standard output is for scripts: no byte order mark (files for Excel have one).
    assert out.startswith(CANONICAL_HANDOUT)


def test_vietnamese_export(ok, sample_2023, tmp_path):
    out = tmp_path / "luot-trao.csv"
    ok("export", "handouts", "--year", "2023", "--lang", "vi", "-o", str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Ngày,Loại,Số lượng,Người nhận,Chương trình,Địa điểm")
    assert lines[1].startswith("02/01/2023,meal,56,")
    book = tmp_path / "tong-ket.xlsx"
    ok("export", "totals", "-y", "2023", "--lang", "vi", "-o", str(book))
    workbook = load_workbook(book)
    assert workbook.sheetnames[0] == "Theo loại"
    sheet = workbook["Theo loại"]
    assert "Tổng kết năm 2023 theo loại" in sheet["A1"].value
    assert [cell.value for cell in sheet[2]][:3] == ["Loại", "Đơn vị", "Số lượng"]
    assert sheet["A3"].value == "Suất cơm"


def test_bad_export_options(run, sample_2023, tmp_path):
    for args, code, says in (
        (["export", "totals", "--year", "1999"], 2, "year is out of range"),
        (["export", "handouts", "-f", "pdf"], 2, "Invalid value"),
        (["export", "people"], 2, "No such command"),
        (["export", "totals", "-o", str(tmp_path / "no" / "t.csv")], 1, "does not exist"),
        (["export", "totals", "-o", str(tmp_path)], 1, "is a folder"),
    ):
        result = run(*args)
        assert result.exit_code == code, (args, result)
        assert result.stderr.startswith("Error: ") and says in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1


def test_text_that_looks_like_a_formula_stays_text_in_a_workbook(ok, tmp_path):
    from openpyxl import load_workbook

    name = '=HYPERLINK("http://example.invalid","Bấm")'
    ok("beneficiary", "add", name, "--note", "=2+2")
    out = tmp_path / "people.xlsx"
    ok("export", "beneficiaries", "--include-personal-data", "--output", str(out))
    cells = [cell for row in load_workbook(out).active.iter_rows() for cell in row]
    texts = {cell.value: cell.data_type for cell in cells if isinstance(cell.value, str)}
    assert texts[name] == "s" and texts["=2+2"] == "s"


def test_a_sheet_too_long_for_excel_is_refused_and_nothing_written(run, ok, tmp_path, monkeypatch):
    import heartlink.cli.workbook as workbook

    for day in (2, 9, 16):
        ok("record", "meal", "-n", "5", "-d", f"2023-01-{day:02d}")
    monkeypatch.setattr(workbook, "MAX_ROWS", 2)
    monkeypatch.setattr(workbook._fitted_widths, "__defaults__", (2,))
    out = tmp_path / "h.xlsx"
    result = run("export", "handouts", "--output", str(out))
    assert result.exit_code == 2 and "more than Excel opens" in result.stderr
    assert not out.exists() and list(tmp_path.glob("*.xlsx")) == []
