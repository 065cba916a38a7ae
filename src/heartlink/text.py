"""Text, numbers and dates as people in the station type them.

Vietnamese arrives in two Unicode forms (composed NFC, decomposed NFD) and is searched without
accents; numbers are written 1.234.567 and dates day first (06/03/2023).
"""

import datetime as dt
import re
import unicodedata

from heartlink.errors import InputError

# "đ" is a letter of its own, not "d" with a combining mark, so NFD leaves it alone.
_LETTER_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})

MAX_COUNT = 1_000_000_000
MAX_VALUE_VND = 1_000_000_000_000
MIN_YEAR = 2000


def clean(text: str) -> str:
    """Store form of any text field: NFC, surrounding blanks removed, inner runs of blanks kept."""
    return unicodedata.normalize("NFC", text).strip()


def clean_name(text: str) -> str:
    """A name in NFC with runs of white space collapsed to one space."""
    return " ".join(clean(text).split())


def fold(text: str | None) -> str:
    """Accent-free, case-free form for searching and duplicate checks: "Phạm Đức" -> "pham duc"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_FOLDS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


# The most characters a number may have, separators included, once blanks are removed.
_LONGEST_NUMBER = 24
_GROUPED = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
_PLAIN = re.compile(r"^\d+$")


def parse_whole_number(text: str | int, what: str = "count") -> int:
    """A whole number typed as 1234567, 1.234.567 (Vietnamese) or 1,234,567.

    A single separator followed by exactly three digits is a thousands separator ("1.500" is
    1500: nobody hands out one and a half meals); anything else with a separator is a fraction
    and refused.
    """
    if isinstance(text, int):
        return text
    if text.isdecimal() and len(text) <= _LONGEST_NUMBER:  # as _parse_typed_number reads them
        return int(text)
    return _parse_typed_number(text, what)


def _parse_typed_number(text: str, what: str) -> int:
    raw = text.strip().replace(" ", "").replace("_", "")
    if len(raw) > _LONGEST_NUMBER:
        raise InputError(f"{what} has {len(raw)} characters; no {what} needs more than 20 digits")
    if raw.startswith("-"):
        raise InputError(f"{what} must be positive, got {text!r}")
    if _PLAIN.match(raw):
        return int(raw)
    if _GROUPED.match(raw):
        return int(re.sub(r"[.,]", "", raw))
    if re.match(r"^\d*[.,]\d+$", raw):
        raise InputError(f"{what} must be a whole number, got {text!r}")
    raise InputError(f"{what} must be a whole number such as 120 or 6.000.000, got {text!r}")


def parse_count(text: str | int, what: str = "count") -> int:
    """A handed-out quantity: a whole number from 1 to one billion."""
    value = parse_whole_number(text, what)
    if value <= 0:
        raise InputError(f"{what} must be at least 1, got {text!r}")
    if value > MAX_COUNT:
        raise InputError(
            f"{what} {value:,} is over one billion; check the number (no decimals or extra zeros)"
        )
    return value


def parse_money(text: str | int, what: str = "value") -> int:
    """An amount in VND: a whole number of đồng, zero allowed."""
    value = parse_whole_number(text, what)
    check_money(value, what)
    return value


def check_money(value: int, what: str = "value") -> None:
    """Amounts stay far below SQLite's 64-bit integers, so that no sum of them overflows."""
    if value > MAX_VALUE_VND:
        raise InputError(f"{what} {value:,} VND is over a trillion; check the number")


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def parse_date(text: str, today: dt.date | None = None, *, allow_future: bool = False) -> dt.date:
    """A date as 2023-03-06, 06/03/2023 (day first), 'today' or 'yesterday'.

    Refuses impossible dates (2023-02-30), dates before MIN_YEAR and, unless `allow_future`,
    dates more than a day ahead (a handout cannot be recorded before it happens; one day allows
    for time zones).
    """
    today = today or dt.date.today()
    raw = text.strip().lower()
    if raw in ("today", "hôm nay", "hom nay"):
        return today
    if raw in ("yesterday", "hôm qua", "hom qua"):
        return today - dt.timedelta(days=1)
    if m := _ISO.match(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DAY_FIRST.match(raw):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise InputError(
            f"date {text!r} is not a date; write it as 2023-03-06 or 06/03/2023 (day first)"
        )
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise InputError(
            f"date {text!r} does not exist (day {day} of month {month}); check the day and month"
        ) from None
    if value.year < MIN_YEAR:
        raise InputError(f"date {text!r} is before {MIN_YEAR}; check the year")
    if not allow_future and value > today + dt.timedelta(days=1):
        raise InputError(
            f"date {text!r} is in the future; record a handout on the day it happens or after"
        )
    return value


def parse_year(value: int | str, today: dt.date | None = None) -> int:
    """A report year from MIN_YEAR to next year."""
    today = today or dt.date.today()
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError(f"year {value!r} is not a year; write it as 2023") from None
    if not MIN_YEAR <= year <= today.year + 1:
        raise InputError(
            f"year {year} is out of range; give a year from {MIN_YEAR} to {today.year}"
        )
    return year


def parse_born(value: int | str, today: dt.date | None = None) -> int:
    """A birth year, 1900 to this year."""
    today = today or dt.date.today()
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError(f"birth year {value!r} is not a year; write it as 1987") from None
    if not 1900 <= year <= today.year:
        raise InputError(
            f"birth year {year} is out of range; give a year from 1900 to {today.year}"
        )
    return year


_YES = {"1", "yes", "y", "true", "x", "co", "dong y"}
_NO = {"", "0", "no", "n", "false", "khong"}


def parse_flag(text: str | bool | None, what: str) -> bool:
    """A yes/no cell of a spreadsheet: 1/0, yes/no, x, có/không (accents and case ignored)."""
    if isinstance(text, bool):
        return text
    folded = fold(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise InputError(f"{what} is not yes or no; write 1 or 0 (có or không)")


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_slug(text: str, what: str) -> str:
    """A short identifier for kinds, programmes and categories: lower-case words joined by '-'."""
    slug = text.strip().lower()
    if not _SLUG.match(slug) or len(slug) > 40:
        raise InputError(
            f"{what} {text!r} is not a valid slug; use lower-case letters, digits and '-', "
            "like school-supplies"
        )
    return slug


def require_text(text: str | None, what: str) -> str:
    """A required text field: NFC, not blank."""
    value = clean_name(text or "")
    if not value:
        raise InputError(f"{what} is empty; give a {what}")
    return value


_GROUP_NUMBER = re.compile(r"^(?:to dan pho|to|tdp|group)?\s*(\d+[a-z]?)$")


def clean_group(text: str) -> str:
    """A residential group in one spelling: "39", "To 39" and "tổ 39" all become "tổ 39"."""
    value = clean_name(text)
    if m := _GROUP_NUMBER.match(fold(value)):
        return f"tổ {m.group(1)}"
    return value


_PHONE = re.compile(r"^\+?[0-9 ().-]{6,20}$")


def clean_phone(text: str) -> str:
    value = clean_name(text)
    if not _PHONE.match(value):
        raise InputError(
            "phone number has characters other than digits, spaces, +, -, ( and ); "
            "write it like 0905 123 456"
        )
    return value
