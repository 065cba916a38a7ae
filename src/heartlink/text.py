"""Text, numbers and dates as people in the station type them.

Vietnamese arrives in two Unicode forms (composed NFC, decomposed NFD) and is searched without
accents; numbers are written 1.234.567 and dates day first (06/03/2023).
"""

import datetime as dt
import re
import unicodedata

from heartlink.errors import InputError
from heartlink.i18n import N_, _

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


# The most characters each text field may hold (in NFC), by the name messages give the field:
# room for anything a person writes there, not for a pasted document or a key held down.
TEXT_LIMITS = {
    N_("name"): 200,
    N_("group"): 100,
    N_("address"): 500,
    N_("phone"): 20,
    N_("school"): 200,
    N_("note"): 2000,
    N_("place"): 200,
    N_("reason"): 500,
    N_("reference"): 200,
    N_("officer name"): 100,
    N_("English name"): 200,
    N_("Vietnamese name"): 200,
    N_("unit"): 40,
    N_("Vietnamese unit"): 40,
    N_("slug"): 40,
    N_("purpose"): 500,
}
# The names messages give the other fields (`what` of parse_count, parse_money, parse_flag, …),
# marked for the catalogue: a message translates its field's name with `_(what)` where it is
# built (an option's name, --start, is not in the catalogue and stays as it is).
FIELD_NAMES = (
    N_("count"),
    N_("value"),
    N_("amount"),
    N_("quantity"),
    N_("unit value"),
    N_("value (count × the kind's unit value)"),
    N_("year"),
    N_("birth year"),
    N_("kind"),
    N_("programme"),
    N_("category"),
    N_("household"),
    N_("consent"),
    N_("public"),
)
# The fields that may hold several lines; every other field is one line.
SEVERAL_LINES = frozenset({"address", "note"})

# The C0 and C1 controls and DEL (Unicode category Cc), which break terminals, CSV and .xlsx
# files, except tab; the second leaves newline to the fields of several lines.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_text(text: str, what: str) -> str:
    """The store form (see clean) of the text field `what`, a key of TEXT_LIMITS: refused with
    a control character (a line break, unless the field is in SEVERAL_LINES) or over its limit.

    The one door of every text heartlink stores; messages name the field, never the text.
    """
    value = clean(text)
    if what in SEVERAL_LINES:
        value = value.replace("\r\n", "\n").replace("\r", "\n")  # Windows line ends
        control = _CONTROL_BUT_NEWLINE.search(value)
    else:
        control = _CONTROL.search(value)
    if control:
        if control.group() in "\n\r":
            raise InputError(_("{what} has a line break; give it on one line").format(what=_(what)))
        raise InputError(
            _("{what} has a control character (U+{code:04X}); remove it").format(
                what=_(what), code=ord(control.group())
            )
        )
    limit = TEXT_LIMITS[what]
    if len(value) > limit:
        raise InputError(
            _("{what} is {length:,} characters; at most {limit}").format(
                what=_(what), length=len(value), limit=limit
            )
        )
    return value


def optional_text(text: str | None, what: str) -> str | None:
    """An optional text field (see check_text): None when blank."""
    return check_text(text or "", what) or None


def require_text(text: str | None, what: str) -> str:
    """A required one-line text field (see check_text), runs of blanks collapsed: not blank."""
    value = " ".join(check_text(text or "", what).split())
    if not value:
        raise InputError(_("{what} is empty; give {a} {what}").format(what=_(what), a=_a(what)))
    return value


def _a(noun: str) -> str:
    """The article before `noun` ("an officer name", "a unit": a u sounds as "you" here)."""
    return "an" if noun[:1].lower() in "aeio" else "a"


def fold(text: str | None) -> str:
    """Accent-free, case-free form for searching and duplicate checks: "Phạm Đức" -> "pham duc"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_FOLDS))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


# The most characters a number may have, separators included.
_LONGEST_NUMBER = 24
# ASCII digits only: int() and \d read the digits of every script ("1٢0" would be 120).
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})(?:\1[0-9]{3})*")
_FRACTION = re.compile(r"[0-9]*[.,][0-9]+")
_NUMBER_FORMS = N_("120, 6.000.000 or 6,000,000")


def parse_whole_number(text: str | int, what: str = "count") -> int:
    """A whole number typed as 1234567, 1.234.567 (Vietnamese) or 1,234,567, in ASCII digits,
    with blanks around it at most.

    A single separator followed by exactly three digits is a thousands separator ("1.500" is
    1500: nobody hands out one and a half meals); anything else with a separator is a fraction
    and refused.
    """
    if isinstance(text, int):
        return text
    # ASCII isdigit is exactly [0-9]: the plain form, as _parse_typed_number reads it.
    if text.isascii() and text.isdigit() and len(text) <= _LONGEST_NUMBER:
        return int(text)
    return _parse_typed_number(text, what)


def _parse_typed_number(text: str, what: str) -> int:
    raw = text.strip()
    if len(raw) > _LONGEST_NUMBER:
        raise InputError(
            _("{what} has {length:,} characters; no {what} needs more than 20 digits").format(
                what=_(what), length=len(raw)
            )
        )
    if _PLAIN.fullmatch(raw):
        return int(raw)
    if _GROUPED.fullmatch(raw):
        return int(raw.replace(".", "").replace(",", ""))
    raise InputError(_not_a_number(raw, what))


def _not_a_number(raw: str, what: str) -> str:
    """Why `raw` is not a whole number, in words that do not repeat it (it may be a name)."""
    if raw[:1] == "-" and (_PLAIN.fullmatch(raw[1:]) or _GROUPED.fullmatch(raw[1:])):
        return _("{what} must be positive, not negative").format(what=_(what))
    if any(ch.isdigit() and not ch.isascii() for ch in raw):
        return _("{what} must be written with the digits 0 to 9").format(what=_(what))
    if re.search(r"[0-9][\s_]+[0-9]", raw):
        return _("{what} has a space or _ inside; write it as {_NUMBER_FORMS}").format(
            what=_(what), _NUMBER_FORMS=_(_NUMBER_FORMS)
        )
    if _FRACTION.fullmatch(raw):
        return _(
            "{what} must be a whole number; a . or , separates thousands: 1.500 is 1500"
        ).format(what=_(what))
    return _("{what} must be a whole number such as {_NUMBER_FORMS}").format(
        what=_(what), _NUMBER_FORMS=_(_NUMBER_FORMS)
    )


def parse_count(text: str | int, what: str = "count") -> int:
    """A handed-out quantity: a whole number from 1 to one billion."""
    value = parse_whole_number(text, what)
    if value <= 0:
        raise InputError(_("{what} must be at least 1").format(what=_(what)))
    if value > MAX_COUNT:
        raise InputError(
            _("{what} is over one billion; check the number (no decimals or extra zeros)").format(
                what=_(what)
            )
        )
    return value


def parse_money(text: str | int, what: str = "value") -> int:
    """An amount in VND: a whole number of đồng, zero allowed."""
    value = parse_whole_number(text, what)
    check_money(value, what)
    return value


def parse_amount(text: str | int, what: str = "amount") -> int:
    """An amount of money paid or received: a whole number of đồng, at least 1."""
    value = parse_whole_number(text, what)
    if value <= 0:
        raise InputError(_("{what} must be at least 1 đồng").format(what=_(what)))
    check_money(value, what)
    return value


def check_money(value: int, what: str = "value") -> None:
    """Amounts stay far below SQLite's 64-bit integers, so that no sum of them overflows."""
    if value > MAX_VALUE_VND:
        raise InputError(_("{what} is over a trillion VND; check the number").format(what=_(what)))


_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DAY_FIRST = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")


def parse_date(text: str, today: dt.date | None = None, *, allow_future: bool = False) -> dt.date:
    """A date as 2023-03-06, 06/03/2023 (day first), 'today' or 'yesterday'.

    Refuses impossible dates (2023-02-30), dates before MIN_YEAR and, unless `allow_future`,
    dates more than a day ahead (a handout cannot be recorded before it happens; one day allows
    for time zones). Messages never repeat the text: it may be a name typed in the wrong place.
    """
    today = today or dt.date.today()
    raw = text.strip().lower()
    if raw in ("today", "hôm nay", "hom nay"):
        return today
    if raw in ("yesterday", "hôm qua", "hom qua"):
        return today - dt.timedelta(days=1)
    if m := _ISO.fullmatch(raw):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DAY_FIRST.fullmatch(raw):
        day, month, year = (int(g) for g in m.groups())
    else:
        raise InputError(_("date is not a date; write it as 2023-03-06 or 06/03/2023 (day first)"))
    try:
        value = dt.date(year, month, day)
    except ValueError:
        raise InputError(
            _("date does not exist; check the day and the month (day first: 06/03/2023 is 6 March)")
        ) from None
    if value.year < MIN_YEAR:
        raise InputError(_("date is before {year}; check the year").format(year=MIN_YEAR))
    if not allow_future and value > today + dt.timedelta(days=1):
        raise InputError(_("date is in the future; record it on the day it happens or after"))
    return value


def parse_year(value: int | str, today: dt.date | None = None) -> int:
    """A report year from MIN_YEAR to next year."""
    today = today or dt.date.today()
    return _year(value, "year", MIN_YEAR, today.year + 1, "2023")


def parse_born(value: int | str, today: dt.date | None = None) -> int:
    """A birth year, 1900 to this year."""
    today = today or dt.date.today()
    return _year(value, "birth year", 1900, today.year, "1987")


def _year(value: int | str, what: str, first: int, last: int, example: str) -> int:
    """A year from `first` to `last`, in ASCII digits; messages say the range, not the value."""
    if isinstance(value, int):
        year = value
    else:
        raw = value.strip()
        if not (raw.isascii() and raw.isdigit()):
            raise InputError(
                _("{what} must be a year in digits, such as {example}").format(
                    what=_(what), example=example
                )
            )
        year = int(raw)
    if not first <= year <= last:
        raise InputError(
            _("{what} is out of range; give a year from {first} to {last}").format(
                what=_(what), first=first, last=last
            )
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
    raise InputError(_("{what} is not yes or no; write 1 or 0 (có or không)").format(what=_(what)))


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(text: str) -> bool:
    """True for a slug's form (see parse_slug): an identifier, never a name or free text, so
    messages may repeat it."""
    return len(text) <= TEXT_LIMITS["slug"] and _SLUG.fullmatch(text) is not None


def parse_slug(text: str, what: str) -> str:
    """A short identifier for kinds, programmes and categories: lower-case words joined by '-'."""
    slug = text.strip().lower()
    if not is_slug(slug):
        raise InputError(
            _(
                "{what} must be a slug: lower-case letters, digits and '-', at "
                "most {limit} characters, like school-supplies"
            ).format(what=_(what), limit=TEXT_LIMITS["slug"])
        )
    return slug


_GROUP_NUMBER = re.compile(r"(?:to dan pho|to|tdp|group)?\s*0*([0-9]+[a-z]?)")


def canonical_group(text: str) -> str:
    """A residential group in its one form: "8", "08", "To 08" and "tổ dân phố 8" are "tổ 8".

    Stored groups are compared through it too: files written before it hold "08" and "Tổ 08".
    """
    value = clean_name(text)
    if m := _GROUP_NUMBER.fullmatch(fold(value)):
        return f"tổ {m.group(1)}"
    return value


def clean_group(text: str) -> str:
    """A residential group as typed, checked (see check_text) and in its one form."""
    return canonical_group(check_text(text, "group"))


_PHONE = re.compile(r"\+?[0-9 ().-]{6,}")
_PHONE_CHARACTERS = re.compile(r"\+?[0-9 ().-]*")
# A Vietnamese mobile number (03x, 05x, 07x, 08x, 09x and eight digits) that a spreadsheet read
# as a number, so lost its leading zero: 935123456.
_ZERO_LOST = re.compile(r"[35789][0-9]{8}")


def restored_phone(text: str) -> str | None:
    """The 10-digit form (0935123456) of a mobile number that lost its leading zero, else
    None."""
    value = text.strip()
    return "0" + value if _ZERO_LOST.fullmatch(value) else None


def clean_phone(text: str) -> str:
    """A phone number (checked as check_text does, so TEXT_LIMITS holds its longest)."""
    value = clean_name(check_text(text, "phone"))
    if _PHONE_CHARACTERS.fullmatch(value) and not _PHONE.fullmatch(value):
        raise InputError(
            _(
                "phone number is too short; write all its digits with the area or mobile "
                "prefix, like 0905 123 456"
            )
        )
    if not _PHONE.fullmatch(value):
        raise InputError(
            _(
                "phone number has characters other than digits, spaces, +, -, ( "
                "and ); write it like 0905 123 456"
            )
        )
    return value
