"""Amounts in words, as a receipt (biên nhận, phiếu thu) writes them beside the figures.

Vietnamese is read the way Vietnamese accounting writes it on receipts, with these choices
where usage varies (north and south): "nghìn" (not "ngàn") for thousands, "linh" (not "lẻ")
for a zero ten ("một trăm linh năm"), "tư" for a four after "mươi" ("hai mươi tư"), "mốt" for
a one after "mươi", "lăm" for a five after "mười"/"mươi", and "không trăm" for a group of
three digits that starts with zeros after a larger group ("một triệu không trăm linh năm").
A round amount (a whole number of thousands) ends in "chẵn": "Hai triệu đồng chẵn".
"""

from heartlink.errors import InputError
from heartlink.i18n import _
from heartlink.text import MAX_VALUE_VND

_DIGITS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 1_000_000_000
# The groups of three digits below a billion, largest first: (size, name).
_GROUPS_VI = ((1_000_000, "triệu"), (1_000, "nghìn"), (1, ""))


def _three_digits_vi(number: int, full: bool) -> list[str]:
    """Words of 1..999; `full` says the hundreds even when zero (after a larger group)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words = []
    if hundreds or full:
        words += [_DIGITS_VI[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [_DIGITS_VI[units]]
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS_VI[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 4 and tens > 1:
        words.append("tư")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS_VI[units])
    return words


def _number_vi(number: int) -> list[str]:
    """Words of a whole number from 1 up (billions read recursively: "một nghìn tỷ")."""
    words: list[str] = []
    billions, rest = divmod(number, _BILLION)
    if billions:
        words += [*_number_vi(billions), "tỷ"]
    for size, name in _GROUPS_VI:
        group = rest // size % 1000
        if group:
            words += _three_digits_vi(group, full=bool(words))
            if name:
                words.append(name)
    return words


def number_in_vietnamese(number: int) -> str:
    """A whole number from 0 to 10^12 in Vietnamese words, lower case: 105 is "một trăm linh
    năm", 24 "hai mươi tư"."""
    _check(number)
    return " ".join(_number_vi(number)) if number else "không"


def amount_in_vietnamese(amount_vnd: int) -> str:
    """An amount of đồng as a receipt writes it: "Hai triệu đồng chẵn", "Một trăm linh năm
    đồng"."""
    words = number_in_vietnamese(amount_vnd) + " đồng"
    if amount_vnd and amount_vnd % 1000 == 0:
        words += " chẵn"
    return words[0].upper() + words[1:]


_ONES_EN = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS_EN = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_GROUPS_EN = ((10**12, "trillion"), (_BILLION, "billion"), (10**6, "million"), (1000, "thousand"))


def _below_thousand_en(number: int) -> list[str]:
    hundreds, rest = divmod(number, 100)
    words = [_ONES_EN[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_TENS_EN[tens] + (f"-{_ONES_EN[units]}" if units else ""))
    elif rest:
        words.append(_ONES_EN[rest])
    return words


def number_in_english(number: int) -> str:
    """A whole number from 0 to 10^12 in English words: "two million fifty thousand"."""
    _check(number)
    if not number:
        return "zero"
    words = []
    for size, name in _GROUPS_EN:
        group, number = divmod(number, size)
        if group:
            words += [*_below_thousand_en(group), name]
    return " ".join(words + _below_thousand_en(number))


def amount_in_english(amount_vnd: int) -> str:
    """An amount of đồng in English words: "Two million dong"."""
    words = number_in_english(amount_vnd) + " dong"
    return words[0].upper() + words[1:]


def _check(number: int) -> None:
    if not 0 <= number <= MAX_VALUE_VND:
        raise InputError(_("an amount in words must be from 0 to a trillion VND"))
