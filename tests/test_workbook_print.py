"""Workbooks that print: every sheet on A4, one page wide, its title and header rows on each
page, the station and page number in the footer; the totals' sheets closed by a total row
whose Named counts each person once; Vietnamese names beside the slugs of exports in
Vietnamese, which still import back."""

import csv
import io

from openpyxl import load_workbook

from conftest import SAMPLE_HANDOUT_ROWS

STATION = "CA phường Test & Co"


def _total_row(sheet):
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    labels = [row[0] for row in rows]
    return rows[: labels.index("Total")], rows[labels.index("Total")], rows[-1]


def test_every_sheet_prints_on_a4_one_page_wide_with_titles_and_footer(ok, sample_2023, tmp_path):
    totals, handouts = tmp_path / "totals.xlsx", tmp_path / "handouts.xlsx"
    ok("station", "set", "--name", STATION, "--code", "T")
    ok("export", "totals", "-y", "2023", "-o", str(totals))
    ok("export", "handouts", "-y", "2023", "-o", str(handouts))
    sheets = [*load_workbook(totals).worksheets, *load_workbook(handouts).worksheets]
    assert len(sheets) == 6
    for sheet in sheets:
        setup = sheet.page_setup
        assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), "one page wide, as long as needed"
        assert sheet.print_title_rows == "$1:$2", "the title and header rows on every page"
        # The station's own "&" doubled: a single one would start a footer code.
        assert sheet.oddFooter.left.text == "CA phường Test && Co"
        assert sheet.oddFooter.right.text == "&P/&N"
        width = sum(sheet.column_dimensions[c.column_letter].width for c in sheet[2])
        assert setup.orientation == ("landscape" if width > 90 else "portrait")
    assert load_workbook(totals)["By programme"].page_setup.orientation == "landscape"


def test_a_fresh_file_prints_without_a_station_in_the_footer(ok, sample_2023, tmp_path):
    book = tmp_path / "totals.xlsx"
    ok("export", "totals", "-y", "2023", "-o", str(book))
    for sheet in load_workbook(book).worksheets:
        assert not sheet.oddFooter.left.text
        assert sheet.oddFooter.right.text == "&P/&N"


def test_headings_are_wide_enough_not_to_break_mid_word(ok, sample_2023, tmp_path):
    book = tmp_path / "tong-ket.xlsx"
    ok("export", "totals", "-y", "2023", "--lang", "vi", "-o", str(book))
    for sheet in load_workbook(book).worksheets:
        for cell in sheet[2]:
            width = sheet.column_dimensions[cell.column_letter].width
            # Bold text is about 15 % wider than the body font widths are counted in.
            assert width >= len(cell.value) * 1.15, (sheet.title, cell.value, width)


def test_totals_sheets_end_with_a_total_counting_each_person_once(ok, sample_2023, tmp_path):
    book = tmp_path / "totals.xlsx"
    ok("export", "totals", "-y", "2023", "-o", str(book))
    report = ok("report", "2023", "--format", "json").json()
    overall = report["overall"]
    for sheet in load_workbook(book).worksheets:
        header = [cell.value for cell in sheet[2]]
        rows, total, note = _total_row(sheet)
        named, handouts, value = (header.index(h) for h in ("Named", "Handouts", "Value"))
        assert total[named] == overall["beneficiaries"] == 24
        summed = sum(row[named] for row in rows)  # once per kind (and per month, by month)
        assert summed > 24, "the rows count someone once per row"
        assert total[handouts] == sum(row[handouts] for row in rows) == overall["handouts"]
        assert total[value] == sum(row[value] or 0 for row in rows) == overall["value_vnd"]
        assert total[header.index("Count")] is None, "kinds count in different units"
        assert note[0] == (
            f"Total Named: each person or household once (24), not the rows' sum ({summed})."
        )
        assert all(cell.font.bold for cell in sheet[len(rows) + 3])


def test_total_row_in_vietnamese_and_as_of(ok, sample_2023, tmp_path):
    book = tmp_path / "tong-ket.xlsx"
    # --as-of reads the handouts themselves (the summary holds only the present).
    as_of = ("--as-of", "31/12/2099")
    ok("export", "totals", "-y", "2023", "--lang", "vi", *as_of, "-o", str(book))
    sheet = load_workbook(book)["Theo loại"]
    labels = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "Tổng cộng" in labels
    report = ok("report", "2023", *as_of, "--format", "json").json()
    header = [cell.value for cell in sheet[2]]
    total = list(sheet.iter_rows(min_row=3, values_only=True))[labels.index("Tổng cộng")]
    assert total[header.index("Người nhận có tên")] == report["overall"]["beneficiaries"]


def test_vietnamese_exports_name_kinds_units_programmes_and_categories(ok, sample_2023, tmp_path):
    given, people = tmp_path / "luot-trao.csv", tmp_path / "nguoi-nhan.xlsx"
    ok("export", "handouts", "-y", "2023", "--lang", "vi", "-o", str(given))
    ok("export", "beneficiaries", "--lang", "vi", "--include-personal-data", "-o", str(people))
    rows = list(csv.DictReader(io.StringIO(given.read_text(encoding="utf-8-sig"))))
    meal = rows[0]
    assert (meal["Loại"], meal["Chương trình"]) == ("meal", "meals"), "the slugs stay"
    assert meal["Tên loại"] == "Suất cơm" and meal["Đơn vị tính"] == "suất"
    assert meal["Tên chương trình"] == "Bữa cơm nhân ái"
    sheet = load_workbook(people).active
    header = [cell.value for cell in sheet[2]]
    categories = [
        row[header.index("Nhóm đối tượng")] for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    names = [
        row[header.index("Tên nhóm đối tượng")]
        for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    assert ("orphan;student", "Trẻ mồ côi;Học sinh có hoàn cảnh khó khăn") in set(
        zip(categories, names, strict=True)
    )
    english = ok("export", "handouts", "-y", "2023", "--format", "csv").stdout.splitlines()[0]
    assert "kind_vi" not in english and "Tên loại" not in english
    # Imported back, the added columns are left out by name.
    fresh = tmp_path / "fresh.db"
    ok("import", "beneficiaries", str(people), db=fresh)
    imported = ok("import", "handouts", str(given), "--format", "json", db=fresh).json()
    assert imported["imported"] == SAMPLE_HANDOUT_ROWS
    assert {"Tên loại", "Đơn vị tính", "Tên chương trình"} <= set(imported["ignored_columns"])
