"""Printable A4 PDFs of any Document, with fpdf2 and the DejaVu Sans Condensed font shipped in
heartlink/fonts (Vietnamese needs a Unicode font, and Windows PCs have none we can count on).

The page follows the administrative report of Decree 30/2020/NĐ-CP: the station top left, the
national heading top right, place and date in words, the title in capitals, the body (a table
per part, its heading repeated on each page, its total row and note under it; then the bar
charts, two abreast), and the signature block of the head, their name under the space to sign.
The statement, the receipts and the signed report are all written by `write`.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from heartlink.cli.render import BarChart, Destination, Document
from heartlink.i18n import Lang
from heartlink.tables import Table

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "DejaVuCondensed"
NATIONAL = {
    Lang.vi: ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"),
    Lang.en: ("SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness"),
}
BODY_SIZE = 8.5
MAX_SHARE = 0.45  # no column takes more than this share of the line
# Columns never broken over two lines, besides the numeric ones.
UNBROKEN = ("date", "code", "id", "method")


class _Page(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=7)
        self.cell(0, 5, f"{self.page_no()}/{{nb}}", align="C")


def write(document: Document, destination: Destination) -> list[str]:
    """`document` as an A4 PDF to destination.stream."""
    fmt = destination.fmt
    pdf = _Page(format="A4", unit="mm")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSansCondensed.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSansCondensed-Bold.ttf"))
    pdf.set_title(document.title or destination.heading or "heartlink")
    pdf.set_creator("heartlink")
    pdf.alias_nb_pages()
    pdf.add_page()
    _heading(pdf, document, destination.heading.upper(), NATIONAL[fmt.lang])
    drawn = [_table(pdf, table, fmt) for table in document.tables]
    if not document.charts and not any(drawn):
        # Without it the page would hold only its heading and the signature under nothing.
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(0, 6, document.empty)
        pdf.ln(4)
    _charts(pdf, document.charts_title, document.charts, fmt)
    if document.signature:
        _signature(pdf, document.signature, document.signer)
    destination.stream.write(bytes(pdf.output()))  # type: ignore[union-attr]
    destination.stream.flush()  # type: ignore[union-attr]
    return []


def _heading(pdf: FPDF, document: Document, station: str, national: tuple[str, str]) -> None:
    half = pdf.epw / 2 - 2
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(half * 0.8, 5, station, align="C")
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.multi_cell(half + 4, 5, national[0], align="C")
    pdf.set_x(pdf.l_margin + half)
    pdf.multi_cell(half + 4, 5, national[1], align="C")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)
    if document.dated:
        pdf.set_x(pdf.l_margin + half)
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(half + 4, 5, document.dated, align="C")
    if document.title:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 13)
        pdf.multi_cell(0, 7, document.title.upper(), align="C")
    pdf.ln(3)


def _cells(table: Table, fmt: Any) -> tuple[list[str], list[list[str]], list[str] | None]:
    headings = [column.heading for column in table.columns]
    rows = [
        [column.show(row.get(column.key), fmt) for column in table.columns] for row in table.rows()
    ]
    total = None
    if table.total is not None:
        total = [_shown(column, table.total.get(column.key), fmt) for column in table.columns]
    return headings, rows, total


def _widths(
    pdf: FPDF,
    table: Table,
    headings: list[str],
    rows: list[list[str]],
    total: list[str] | None = None,
) -> list[float]:
    """Each column as wide as its widest cell would like, capped. Dates, codes and figures keep
    their width (a date or an amount broken over two lines is misread); the text columns
    (names, funds, purposes) share what is left of the line, and wrap."""
    # Headings and the total row are bold, and wider than the same text in the body font.
    pdf.set_font(FAMILY, "B", BODY_SIZE)
    bold = [
        max((pdf.get_string_width(w) for w in heading.split()), default=0) for heading in headings
    ]
    if total is not None:
        bold = [max(w, pdf.get_string_width(cell)) for w, cell in zip(bold, total, strict=True)]
    pdf.set_font(FAMILY, "", BODY_SIZE)
    wanted, least = [], []
    for index in range(len(headings)):
        cells = [pdf.get_string_width(row[index]) for row in rows]
        words = [pdf.get_string_width(w) for row in rows for w in row[index].split()]
        wanted.append(max(bold[index], *cells, 8) + 3)
        # A text column may wrap between words, never inside one ("vouche/r").
        least.append(min(max(bold[index], *words, 8) + 3, wanted[-1]))
    cap = pdf.epw * MAX_SHARE
    wanted = [min(width, cap) for width in wanted]
    least = [min(width, cap) for width in least]
    kept = [column.numeric or column.key in UNBROKEN for column in table.columns]
    fixed = sum(width for width, keep in zip(wanted, kept, strict=True) if keep)
    flexible = [(w, m) for w, m, keep in zip(wanted, least, kept, strict=True) if not keep]
    spare = pdf.epw - fixed - sum(m for _w, m in flexible)
    surplus = sum(w - m for w, m in flexible)
    if flexible and spare >= 0 and fixed < pdf.epw * 0.8:
        # Each text column gets its longest word, and a share of what is left of the line.
        share = min(1.0, spare / surplus) if surplus else 0.0
        widths = [
            w if keep else m + (w - m) * share
            for w, m, keep in zip(wanted, least, kept, strict=True)
        ]
        scale = pdf.epw / sum(widths)
        return [width * scale for width in widths]
    scale = pdf.epw / sum(wanted)
    return [width * scale for width in wanted]


def _table(pdf: FPDF, table: Table, fmt: Any) -> bool:
    """Draws `table`, unless it has no rows; whether it did."""
    headings, rows, total = _cells(table, fmt)
    if not rows:
        return False
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.set_font(FAMILY, "B", 10.5)
    pdf.multi_cell(0, 6, table.title or table.name)
    pdf.ln(1)
    pdf.set_font(FAMILY, "", BODY_SIZE)
    align = tuple("RIGHT" if column.numeric else "LEFT" for column in table.columns)
    headed = any(headings)  # a card of labels and values (a receipt) has no heading row
    with pdf.table(
        col_widths=_widths(pdf, table, headings, rows, total),
        text_align=align,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=pdf.font_size * 1.6,
        first_row_as_headings=headed,
        repeat_headings=1 if headed else 0,
        width=pdf.epw,
    ) as drawn:
        for cells in [headings, *rows] if headed else rows:
            drawn.row(cells)
        if total is not None:
            drawn.row(total, style=FontFace(emphasis="BOLD"))
    if table.note:
        pdf.ln(1)
        pdf.set_font(FAMILY, "", BODY_SIZE - 0.5)
        pdf.multi_cell(0, 4.2, table.note)
    pdf.ln(4)
    return True


CHART_HEIGHT = 22  # mm, the tallest bar
CHART_GAP = 6  # mm between the two charts of a row


def _charts(pdf: FPDF, title: str, charts: "Sequence[BarChart]", fmt: Any) -> None:
    """Each chart a bar per label with its value above it, two charts abreast, drawn with
    fpdf2's own rectangles."""
    width = (pdf.epw - CHART_GAP) / 2
    block = CHART_HEIGHT + 23  # two title lines, the values above the bars, the labels under
    if charts and title:
        if pdf.will_page_break(block + 8):
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 10.5)
        pdf.multi_cell(0, 6, title)
        pdf.ln(1)
    top = pdf.get_y()
    for index, chart in enumerate(charts):
        right = index % 2
        if not right:
            if pdf.will_page_break(block):
                pdf.add_page()
            top = pdf.get_y()
        _chart(pdf, chart, pdf.l_margin + right * (width + CHART_GAP), top, width, fmt)
        pdf.set_y(top + block)
    pdf.ln(2)


def _shown(column: Any, value: Any, fmt: Any) -> str:
    # A total row leaves empty what it does not add up (a count of different units).
    return "" if value is None else column.show(value, fmt)


def _chart(pdf: FPDF, chart: BarChart, x: float, top: float, width: float, fmt: Any) -> None:
    pdf.set_xy(x, top)
    for style, line in zip(("B", ""), chart.title.split("\n"), strict=False):
        size = 8.5
        pdf.set_font(FAMILY, style, size)
        while pdf.get_string_width(line) > width and size > 5:
            size -= 0.5
            pdf.set_font(FAMILY, style, size)
        pdf.set_x(x)
        pdf.cell(width, 4, line, new_x="LMARGIN", new_y="NEXT")
    peak = max(chart.values, default=0) or 1
    slot = width / len(chart.labels)
    base = top + 13 + CHART_HEIGHT
    pdf.set_draw_color(120, 120, 120)
    pdf.line(x, base, x + width, base)
    pdf.set_font(FAMILY, "", 5.5)
    for position, (label, value) in enumerate(zip(chart.labels, chart.values, strict=True)):
        left = x + position * slot
        height = CHART_HEIGHT * value / peak
        if value:
            pdf.set_fill_color(70, 110, 160)
            pdf.rect(left + slot * 0.2, base - height, slot * 0.6, height, style="F")
            pdf.set_xy(left, base - height - 3.2)
            pdf.cell(slot, 3, fmt.number(value), align="C")
        pdf.set_xy(left, base + 0.8)
        pdf.cell(slot, 3, label, align="C")


def _signature(pdf: FPDF, role: str, signer: str) -> None:
    if pdf.will_page_break(40):
        pdf.add_page()
    half = pdf.epw / 2
    pdf.ln(4)
    pdf.set_x(pdf.l_margin + half)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(half, 5, role.upper(), align="C")
    if signer:
        pdf.ln(22)  # the space to sign and stamp
        pdf.set_x(pdf.l_margin + half)
        pdf.multi_cell(half, 5, signer, align="C")
