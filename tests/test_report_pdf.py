"""`heartlink report YEAR --format pdf`: the A4 report the ward receives, laid out as Decree
30/2020 asks, its text read back with pypdf: every figure of `report --format json` is in it,
written as the report's language writes figures, and the Vietnamese headings come out whole."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from heartlink.i18n import Formatter

from conftest import heartlink_process


def pdf_text(path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def figures_of(report: dict, fmt: Formatter) -> set[str]:
    """Every figure of the report's JSON, written as the PDF writes it. A programme's count
    is left out where the programme hands out several kinds: it adds cakes to vouchers, which
    the PDF does not (its kinds' counts are each in the table)."""
    figures = set()
    for row in [*report["totals"], *report["programmes"]]:
        for key in ("handouts", "beneficiaries"):
            figures.add(fmt.number(row[key]))
        if row["value_vnd"] is not None:
            figures.add(fmt.money(row["value_vnd"]))
    figures |= {fmt.number(row["count"]) for row in report["totals"]}
    overall = report["overall"]
    figures |= {fmt.number(overall["handouts"]), fmt.number(overall["beneficiaries"])}
    figures.add(fmt.money(overall["value_vnd"]))
    for row in report["received_and_spent"]:
        figures |= {fmt.money(row[key]) for key in ("received_vnd", "spent_vnd", "cash_out_vnd")}
    for row in report.get("sponsorships", []):
        figures.add(fmt.number(row["sponsorships"]))
        figures |= {
            fmt.money(row[key])
            for key in ("committed_vnd", "received_vnd", "paid_out_vnd", "held_vnd", "overdue_vnd")
        }
    return figures


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_figure_of_the_json_report_is_in_the_pdf(ok, tmp_path, lang):
    path = tmp_path / f"bao-cao-{lang}.pdf"
    args = ["--lang", lang] if lang == "en" else []  # Vietnamese is the pdf's default
    ok("--sample", "report", "2023", "--format", "pdf", "--output", str(path), *args)
    report = ok("--sample", "report", "2023", "--format", "json").json()
    assert report["received_and_spent"], "the sample has money: its section is checked"
    assert report["sponsorships"], "the sample has the godmother sponsorship: checked too"
    text = pdf_text(path)
    words = " ".join(text.split())
    missing = sorted(f for f in figures_of(report, Formatter(lang)) if f not in words)
    assert missing == []
    assert "6.000.000 ₫" in words if lang == "vi" else "6,000,000 ₫" in words
    # The sponsorship section, headed as the report's own table is.
    headings = ("Cam kết", "Đang giữ", "Quá hạn") if lang == "vi" else ("Committed", "Held")
    assert all(heading in words for heading in headings), headings


def test_the_vietnamese_report_is_headed_and_signed_as_decree_30_asks(ok, tmp_path):
    path = tmp_path / "bao-cao-2023.pdf"
    result = ok("--sample", "report", "2023", "--format", "pdf", "-o", str(path))
    assert "bao-cao-2023.pdf" in result.stderr
    text = pdf_text(path)
    assert unicodedata.is_normalized("NFC", text), "headings come out whole, not decomposed"
    lines = [" ".join(line.split()) for line in text.splitlines()]
    joined = " ".join(lines)
    for expected in (
        "CÔNG AN PHƯỜNG THANH KHÊ ĐÔNG",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO KẾT QUẢ CÔNG TÁC TỪ THIỆN NĂM 2023",
        "Tổng kết năm 2023 theo loại",
        "Tổng kết năm 2023 theo chương trình",
        "Theo tháng, tính theo đơn vị của từng loại",
        "Bữa cơm nhân ái",
        "Không ghi tên",
        "Người nhận có tên",
        "Tổng cộng",
        "TRƯỞNG CÔNG AN PHƯỜNG",
        "Phạm Thanh Sơn",
    ):
        assert expected in joined, expected
    assert any(line.startswith("Đà Nẵng, ngày ") and "tháng" in line for line in lines)
    # The Named of the year's total is each person once (24), not the rows' sum (36).
    assert "mỗi người, mỗi hộ tính một lần (24)" in joined
    assert PdfReader(path).pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4


def test_the_english_report(ok, tmp_path):
    path = tmp_path / "report-2023.pdf"
    ok("--sample", "report", "2023", "--format", "pdf", "--lang", "en", "-o", str(path))
    joined = " ".join(pdf_text(path).split())
    for expected in (
        "SOCIALIST REPUBLIC OF VIET NAM",
        "REPORT ON THE CHARITY WORK OF 2023",
        "Compassionate meals",
        "HEAD OF THE WARD POLICE",
        "Đà Nẵng, ",
    ):
        assert expected in joined, expected


def test_a_file_without_a_station_is_refused_with_how_to_set_it(ok, run, sample_2023, tmp_path):
    path = tmp_path / "bao-cao.pdf"
    result = run("report", "2023", "--format", "pdf", "-o", str(path))
    assert result.exit_code == 1, result
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ")
    assert "heartlink station set" in result.stderr
    assert not path.exists()
    ok("station", "set", "--name", "Công an phường Test", "--code", "T")
    ok("report", "2023", "--format", "pdf", "-o", str(path))
    text = " ".join(pdf_text(path).split())
    assert "CÔNG AN PHƯỜNG TEST" in text
    assert "Ngày " in text, "no place: the date alone"


def test_a_year_without_handouts_says_so_on_the_page_to_sign(ok, tmp_path):
    ok("station", "set", "--name", "Công an phường Test", "--code", "T", "--head", "Lê An")
    path = tmp_path / "bao-cao-2024.pdf"
    ok("report", "2024", "--format", "pdf", "-o", str(path))
    text = " ".join(pdf_text(path).split())
    assert "Không có lượt trao nào trong năm 2024." in text
    assert "BÁO CÁO KẾT QUẢ CÔNG TÁC TỪ THIỆN NĂM 2024" in text and "Lê An" in text
    english = tmp_path / "report-2024.pdf"
    ok("report", "2024", "--format", "pdf", "--lang", "en", "-o", str(english))
    assert "No handouts recorded in 2024." in " ".join(pdf_text(english).split())


def test_bad_pdf_options(ok, run, tmp_path, monkeypatch):
    path = tmp_path / "bao-cao.pdf"
    by = run("--sample", "report", "2023", "--format", "pdf", "--by", "month", "-o", str(path))
    assert by.exit_code == 2 and "--by" in by.stderr and not path.exists()
    other = run("--sample", "report", "2023", "--output", str(path))
    assert other.exit_code == 2 and "--format pdf" in other.stderr and not path.exists()
    ok("--sample", "report", "2023", "--format", "pdf", "-o", str(path))
    again = run("--sample", "report", "2023", "--format", "pdf", "-o", str(path))
    assert again.exit_code == 1 and "exists" in again.stderr
    monkeypatch.chdir(tmp_path)
    ok("--sample", "report", "2023", "--format", "pdf")
    assert (tmp_path / "heartlink-report-2023.pdf").read_bytes().startswith(b"%PDF")


def test_only_the_pdf_format_loads_fpdf(tmp_path):
    """fpdf2 is loaded by `--format pdf` alone: the other formats of `report` start without."""

    def modules(*args: str) -> set[str]:
        result = heartlink_process(*args, env={"PYTHONPROFILEIMPORTTIME": "1"}, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
        return {line.rsplit("|", 1)[1].strip().split(".")[0] for line in lines}

    assert "fpdf" not in modules("--sample", "report", "2023", "--format", "json")
    assert "fpdf" in modules("--sample", "report", "2023", "--format", "pdf")


def test_text_columns_wrap_between_words_never_inside_one():
    """A narrow text column (a unit) keeps room for its longest word when a long one (a
    programme's name) takes the rest of the line: "voucher", not "vouche" and "r"."""
    from fpdf import FPDF

    from heartlink.cli import pdf
    from heartlink.tables import Column, Table

    page = FPDF(format="A4", unit="mm")
    page.set_margins(15, 15, 15)  # as heartlink's pages
    page.add_font(pdf.FAMILY, "", str(pdf.FONTS / "DejaVuSansCondensed.ttf"))
    page.add_font(pdf.FAMILY, "B", str(pdf.FONTS / "DejaVuSansCondensed-Bold.ttf"))
    page.add_page()
    columns = [
        Column("dimension_name", "Programme"),
        Column("kind_name", "Kind"),
        Column("unit_name", "Unit"),
        *(Column(key, key.title(), "number") for key in ("count", "handouts", "anonymous")),
        Column("named", "Named", "number"),
        Column("value_vnd", "Value", "money"),
    ]
    row = ["Relay of love, helping children to school", "Exam preparation place", "voucher"]
    row += ["6,000,000", "107", "71", "24", "9,000,000 ₫"]
    table = Table.of(columns, [])
    widths = pdf._widths(page, table, [c.heading for c in columns], [row])
    page.set_font(pdf.FAMILY, "", pdf.BODY_SIZE)
    for width, cell in zip(widths, row, strict=True):
        # fpdf2 keeps a cell margin on each side of the text
        longest = max(page.get_string_width(word) for word in cell.split())
        assert width >= longest + 2 * page.c_margin, cell
    assert sum(widths) == pytest.approx(page.epw)
