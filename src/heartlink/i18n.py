"""English and Vietnamese: the words of reports and exports, and how each language writes
numbers (1,234,567 / 1.234.567), money (6,000,000 ₫ / 6.000.000 ₫) and dates
(2023-03-06 / 06/03/2023).

The formats come from Babel (the CLDR locale data), imported on first use, so that only the
commands that format figures for people load it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import gettext

LANG_ENV = "HEARTLINK_LANG"


class Lang(StrEnum):
    en = "en"
    vi = "vi"


# English words as written in the code, and their Vietnamese. A word missing here stays English.
VIETNAMESE = {
    # figures
    "Count": "Số lượng",
    "Unit": "Đơn vị",
    "Handouts": "Lượt trao",
    "Anonymous": "Không ghi tên",
    "Named": "Người nhận có tên",
    "Value": "Giá trị",
    "Change": "Thay đổi",
    "Change %": "Thay đổi %",
    # dimensions
    "Kind": "Loại",
    "Programme": "Chương trình",
    "Month": "Tháng",
    "Category": "Nhóm đối tượng",
    "Group": "Tổ dân phố",
    "Station": "Đơn vị",
    "No station code": "Chưa có mã đơn vị",
    "Year": "Năm",
    "Date": "Ngày",
    "Place": "Địa điểm",
    "Code": "Mã",
    "Anonymous handouts": "Lượt trao không ghi tên",
    "No category": "Chưa phân loại",
    "No group": "Chưa rõ tổ",
    "yes": "có",
    "no": "không",
    # titles
    "Totals {year} by kind": "Tổng kết năm {year} theo loại",
    "Totals {year} by programme": "Tổng kết năm {year} theo chương trình",
    "Totals {year} by month": "Tổng kết năm {year} theo tháng",
    "Totals {year} by category": "Tổng kết năm {year} theo nhóm đối tượng",
    "Totals {year} by group": "Tổng kết năm {year} theo tổ dân phố",
    "Totals {year} by station": "Tổng kết năm {year} theo đơn vị",
    "By programme": "Theo chương trình",
    "By kind": "Theo loại",
    "By month": "Theo tháng",
    "By category": "Theo nhóm đối tượng",
    "By group": "Theo tổ dân phố",
    "By station": "Theo đơn vị",
    "{year} compared with {other}": "Năm {year} so với năm {other}",
    "as of {date}": "tính đến ngày {date}",
    "No handouts recorded in {year}.": "Không có lượt trao nào trong năm {year}.",
    "Per month, in each kind's unit": "Theo tháng, tính theo đơn vị của từng loại",
    "Handouts: {handouts} ({anonymous} anonymous). Named beneficiaries (people and "
    "households): {people}. Value where known: {value}. Anonymous handouts count in Count and "
    "Handouts, not in Named.": "Lượt trao: {handouts} ({anonymous} không ghi tên). Người nhận "
    "có tên (người và hộ gia đình): {people}. Giá trị (phần đã biết): {value}. Lượt trao không "
    "ghi tên được tính vào Số lượng và Lượt trao, không tính vào Người nhận có tên.",
    "Received by year": "Đã nhận theo năm",
    # funds and the statement (sao kê)
    "Fund": "Quỹ",
    "All funds": "Tổng các quỹ",
    "Funds {year}": "Các quỹ năm {year}",
    "Opening balance": "Số dư đầu kỳ",
    "Closing balance": "Số dư cuối kỳ",
    "Received": "Đã thu",
    "Spent": "Đã chi",
    "Cash handed out": "Tiền mặt đã trao",
    "Statement {year}": "Sao kê thu chi năm {year}",
    "Statement written to {path}.": "Đã ghi sao kê vào {path}.",
    "Balances": "Số dư các quỹ",
    "Money": "Tiền",
    "Money received": "Tiền đã nhận",
    "In kind": "Hiện vật",
    "Received in kind": "Hiện vật đã nhận",
    "Spending": "Các khoản chi",
    "Handed out": "Đã trao",
    "Stock": "Tồn kho",
    "Stock on hand": "Tồn kho",
    "Audit": "Kiểm tra",
    "Audit chain head": "Đầu chuỗi nhật ký kiểm tra",
    "Entries": "Số mục",
    "Last entry": "Mục cuối",
    "Hash": "Mã băm",
    "Donor": "Người ủng hộ",
    "Method": "Hình thức",
    "Amount": "Số tiền",
    "For": "Nội dung chi",
    "Bought": "Hàng mua",
    "People": "Số người",
    "Opening": "Đầu kỳ",
    "In": "Nhập",
    "Out": "Xuất",
    "On hand": "Tồn",
    "A well-wisher": "Nhà hảo tâm",
    "Officers": "Cán bộ, chiến sĩ",
    "HEAD OF THE WARD POLICE": "TRƯỞNG CÔNG AN PHƯỜNG",
    "Received and spent": "Thu và chi",
    "Cash": "Tiền mặt",
    "Bank transfer": "Chuyển khoản",
    "Handouts received: {count}": "Các lượt đã nhận: {count}",
    "Left out to fit the terminal: {columns}. Widen it, or use --format csv.": "Đã bỏ bớt cho "
    "vừa màn hình: {columns}. Hãy mở rộng cửa sổ, hoặc dùng --format csv.",
}


# Messages for people (errors, notices, help) go through `_()`, gettext's usual name, so that
# Babel extracts them into the catalogue a translator works on. Placeholders are named and filled
# after translation: `_("no beneficiary {code}").format(code=code)`. The language is the one the
# command line chose for this run (set_language); English is the text itself.
DOMAIN = "heartlink"
_active: list[Lang] = [Lang.en]
_catalogues: dict[Lang, object] = {}


def set_language(lang: Lang | str) -> None:
    """The language of every message from now on in this process."""
    _active[0] = Lang(lang)


def language() -> Lang:
    """The language messages are written in."""
    return _active[0]


def catalogue(lang: Lang | str) -> gettext.NullTranslations:
    """The compiled gettext catalogue for `lang` (English and a missing one translate nothing)."""
    lang = Lang(lang)
    found = _catalogues.get(lang)
    if found is None:
        import gettext
        from pathlib import Path

        found = gettext.translation(
            DOMAIN, Path(__file__).parent / "locale", languages=[lang.value], fallback=True
        )
        _catalogues[lang] = found
    return found


def _(message: str) -> str:
    """`message` in the language of this run."""
    lang = _active[0]
    return message if lang == Lang.en else catalogue(lang).gettext(message)


def word(text: str, lang: Lang | str) -> str:
    """`text` in the language asked (English is the text itself)."""
    return VIETNAMESE.get(text, text) if lang == Lang.vi else text


class Formatter:
    """Numbers, money, dates and months written as people of one language read them."""

    DATE_PATTERNS: ClassVar = {Lang.en: "yyyy-MM-dd", Lang.vi: "dd/MM/yyyy"}
    # Spreadsheet number formats for the same, used by the .xlsx writer.
    XLSX_DATE: ClassVar = {Lang.en: "yyyy-mm-dd", Lang.vi: "dd/mm/yyyy"}

    def __init__(self, lang: Lang | str = Lang.en):
        self.lang = Lang(lang)

    def word(self, text: str, **values: object) -> str:
        return word(text, self.lang).format(**values)

    def number(self, value: int | float) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.lang.value)

    def signed(self, value: int) -> str:
        return ("+" if value > 0 else "") + self.number(value)

    def money(self, value: int) -> str:
        from babel.numbers import format_currency

        # The dong has no minor unit; the symbol follows the number in both languages.
        return format_currency(
            value, "VND", format="#,##0 ¤", locale=self.lang.value, currency_digits=True
        )

    def percent(self, value: float) -> str:
        """`value` in percent (12.5 is 12.5 %), with a sign."""
        from babel.numbers import format_percent

        text = format_percent(value / 100, format="#,##0.0%", locale=self.lang.value)
        return ("+" if value > 0 else "") + text

    def date(self, value: str | dt.date) -> str:
        from babel.dates import format_date

        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, self.DATE_PATTERNS[self.lang], locale=self.lang.value)

    def month(self, number: int) -> str:
        from babel.dates import get_month_names

        return get_month_names("abbreviated", locale=self.lang.value)[number]
