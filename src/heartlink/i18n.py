"""English and Vietnamese: the words of reports and exports, and how each language writes
numbers (1,234,567 / 1.234.567), money (6,000,000 ₫ / 6.000.000 ₫) and dates
(2023-03-06 / 06/03/2023).

The formats come from Babel (the CLDR locale data), imported on first use, so that only the
commands that format figures for people load it.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    import gettext

LANG_ENV = "HEARTLINK_LANG"


class Lang(StrEnum):
    en = "en"
    vi = "vi"


def N_(message: str) -> str:
    """`message` unchanged: marks a text translated later (by `_()` or word()) for extraction."""
    return message


# The words of reports, exports and the statement (headings, titles, captions), given to
# word() as written here or composed (`f"By {by}"`). Their Vietnamese is in the catalogue, with
# every other message; N_ only marks them for extraction.
WORDS = (
    N_("Count"),
    N_("Unit"),
    N_("Handouts"),
    N_("Anonymous"),
    N_("Named"),
    N_("Value"),
    N_("Change"),
    N_("Change %"),
    N_("Kind"),
    N_("Programme"),
    N_("Month"),
    N_("Category"),
    N_("Group"),
    N_("Station"),
    N_("No station code"),
    N_("Year"),
    N_("Date"),
    N_("Place"),
    N_("Code"),
    N_("Anonymous handouts"),
    N_("No category"),
    N_("No group"),
    N_("yes"),
    N_("no"),
    N_("Totals {year} by kind"),
    N_("Totals {year} by programme"),
    N_("Totals {year} by month"),
    N_("Totals {year} by category"),
    N_("Totals {year} by group"),
    N_("Totals {year} by station"),
    N_("By programme"),
    N_("By kind"),
    N_("By month"),
    N_("By category"),
    N_("By group"),
    N_("By station"),
    N_("{year} compared with {other}"),
    N_("as of {date}"),
    N_("No handouts recorded in {year}."),
    N_("Per month, in each kind's unit"),
    N_(
        "Handouts: {handouts} ({anonymous} anonymous). Named beneficiaries (people and "
        "households): {people}. Value where known: {value}. Anonymous handouts count in "
        "Count and Handouts, not in Named."
    ),
    N_("Received by year"),
    N_("Total"),
    N_("Programme total"),
    N_("Report on the charity work of {year}"),
    N_("Total Named: each person or household once ({people}), not the rows' sum ({summed})."),
    N_("Fund"),
    N_("All funds"),
    N_("Funds {year}"),
    N_("Opening balance"),
    N_("Closing balance"),
    N_("Received"),
    N_("Spent"),
    N_("Cash handed out"),
    N_("Statement {year}"),
    N_("Statement written to {path}."),
    N_("Balances"),
    N_("Money"),
    N_("Money received"),
    N_("In kind"),
    N_("Received in kind"),
    N_("Spending"),
    N_("Handed out"),
    N_("Stock"),
    N_("Stock on hand"),
    N_("Audit"),
    N_("Audit chain head"),
    N_("Entries"),
    N_("Last entry"),
    N_("Hash"),
    N_("Donor"),
    N_("Method"),
    N_("Amount"),
    N_("For"),
    N_("Bought"),
    N_("People"),
    N_("Opening"),
    N_("In"),
    N_("Out"),
    N_("On hand"),
    N_("A well-wisher"),
    N_("Officers"),
    N_("HEAD OF THE WARD POLICE"),
    N_("Received and spent"),
    N_("Sponsorships"),
    N_("Committed"),
    N_("Paid out"),
    N_("Held"),
    N_("Overdue"),
    N_("Cash"),
    N_("Bank transfer"),
    N_("Handouts received: {count}"),
    N_("Left out to fit the terminal: {columns}. Widen it, or use --format csv."),
)


# Messages for people (errors, notices, help) go through `_()`, gettext's usual name, so that
# Babel extracts them into the catalogue a translator works on. Placeholders are named and filled
# after translation: `_("no beneficiary {code}").format(code=code)`. The language is the one the
# command line chose for this run (set_language); English is the text itself.
DOMAIN = "heartlink"
_active: list[Lang] = [Lang.en]
_catalogues: dict[Lang, gettext.NullTranslations] = {}


def set_language(lang: Lang | str) -> None:
    """The language of every message from now on in this process."""
    _active[0] = Lang(lang)


def language() -> Lang:
    """The language messages are written in."""
    return _active[0]


def choose_language(given: str | None, environ: Mapping[str, str]) -> Lang:
    """The language of this run: `given` (the global --lang), then $HEARTLINK_LANG, then the
    system's locale (LC_ALL, LC_MESSAGES, LANG; the user locale on Windows), then English."""
    for wish in (given, environ.get(LANG_ENV)):
        found = _known(wish)
        if found is not None:
            return found
    if environ.get(LANG_ENV, "").strip() and given is None:
        from heartlink.errors import InputError

        raise InputError(
            _("${variable} must be en or vi, as for --lang; fix it or unset it").format(
                variable=LANG_ENV
            )
        )
    return system_language(environ)


def system_language(environ: Mapping[str, str]) -> Lang:
    """Vietnamese when the system's locale is (vi, vi_VN.UTF-8, vi-VN), else English."""
    # POSIX order: the first of these that is set decides, even when it is not Vietnamese.
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(variable):
            return Lang.vi if _known(environ[variable]) == Lang.vi else Lang.en
    if sys.platform == "win32":
        return Lang.vi if _known(_windows_locale()) == Lang.vi else Lang.en
    return Lang.en


def _known(wish: str | None) -> Lang | None:
    text = (wish or "").strip().lower()
    return next((lang for lang in Lang if text.startswith(lang.value)), None)


def _windows_locale() -> str:
    """The Windows user locale ("vi-VN"); Python's locale module only reads the environment."""
    try:
        import ctypes

        buffer = ctypes.create_unicode_buffer(85)  # LOCALE_NAME_MAX_LENGTH
        if ctypes.windll.kernel32.GetUserDefaultLocaleName(buffer, len(buffer)):  # type: ignore[attr-defined]
            return buffer.value
    except (AttributeError, OSError):
        pass
    import locale

    return locale.getlocale()[0] or ""


def catalogue(lang: Lang | str) -> gettext.NullTranslations:
    """The compiled gettext catalogue for `lang` (English and a missing one translate nothing).
    `gettext` is already loaded by Typer when this runs, so reading it costs `record` only the
    catalogue's parse (about 2 ms)."""
    lang = Lang(lang)
    found = _catalogues.get(lang)
    if found is None:
        import gettext

        found = gettext.translation(
            DOMAIN, Path(__file__).parent / "locale", languages=[lang.value], fallback=True
        )
        _catalogues[lang] = found
    return found


def _(message: str) -> str:
    """`message` in the language of this run."""
    lang = _active[0]
    return message if lang == Lang.en else catalogue(lang).gettext(message)


def figure(number: int) -> str:
    """A whole number as people of this run's language write it: 6,000,000 or 6.000.000 (no
    Babel: the messages of `record` and its kin are written before any table is drawn)."""
    text = f"{number:,}"
    return text.replace(",", ".") if _active[0] == Lang.vi else text


def day(iso: str) -> str:
    """A date (2023-03-06) as people of this run's language write it: 2023-03-06 or 06/03/2023
    (no Babel, as for figure())."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if _active[0] == Lang.vi and len(iso) == 10 else iso


def help_text(text: str) -> str:
    """A help text (a command's docstring or an option's `help=`) in the language of this run.
    Its msgid is the text as Typer shows it: indentation of a docstring removed."""
    if _active[0] == Lang.en or not text:
        return text
    import inspect

    message = inspect.cleandoc(text)
    translated = catalogue(_active[0]).gettext(message)
    return text if translated == message else translated


def word(text: str, lang: Lang | str) -> str:
    """`text`, one of WORDS, in the language asked (English is the text itself)."""
    return catalogue(lang).gettext(text) if lang == Lang.vi else text


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
