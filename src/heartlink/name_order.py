"""The order of a Vietnamese list of people: by given name (tên, the last word), then the rest
of the name (family and middle names, as written), letter by letter in the Vietnamese alphabet

    a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y

then the letters of loan words, f j w z, after y (they are not letters of the Vietnamese
alphabet; a dictionary that lists loan words puts them at its end). Digits come before every
letter; letters of other alphabets after f j w z, in the order of their code points; anything
else (hyphens, dots, apostrophes) is left out.

Tone marks decide only between names whose letters are all equal (the key's second level), in
the order of Vietnamese dictionaries: ngang (no mark), huyền (à), hỏi (ả), ngã (ã), sắc (á),
nặng (ạ). Case is ignored, and NFC and NFD text give the same key. "Ð" (U+00D0, the eth some
keyboards give for "Đ") is read as "đ".

A household is named after its head ("Hộ Phan Văn Hùng"): a leading word "Hộ" is left out, so
that the household sorts as its head does (by Hùng, then Phan Văn), as a Vietnamese list of
households does. It is the word "hộ" with its dot below only; the family name Hồ is kept.

The key is a string whose plain (binary) order is this order, so SQLite sorts by an index of it.
It is stored with each name (`name_sort_key` of beneficiary and donor, see heartlink.registers)
and computed only here. Each version of the key is a function kept as it was released:
migration 0011 fills the column with version 1. A later change is a new function (and
KEY_VERSION raised) with a new migration that recomputes every stored key with it, so that a
file at a schema version holds the keys of one version only.
"""

import unicodedata
from functools import lru_cache

KEY_VERSION = 1

# Each letter's rank, written as one character from "A" on, so that two keys compare as text.
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxyfjwz"
_FIRST_LETTER = 0x41  # "A"; digits (0x30-0x39) stay below every letter
_RANK = {letter: chr(_FIRST_LETTER + i) for i, letter in enumerate(_ALPHABET)}
# A letter outside the alphabet: this mark (above every rank), then the letter itself.
_OTHER_LETTER = "~"
# Below every letter and digit: between the words, and between the key's two levels (lower
# still, so that a name that is the start of another sorts first: "An" < "Lê An").
_WORD_BREAK = "-"
_LEVEL_BREAK = " "

# The marks that make a letter of its own (ă â ê ô ơ ư), by the base letter they go with.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# The tones, in dictionary order; no mark is "0". Any other mark ranks after them.
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_OTHER_MARK = "6"
_LETTER_FOLDS = str.maketrans({"ð": "đ"})
_HOUSEHOLD = "hộ"


def vietnamese_sort_key(name: str | None) -> str:
    """The key of `name` in the order of a Vietnamese list (see the module's docstring), in the
    current version: "Nguyễn Văn An" < "Trần Thị Anh" < "Lê Văn Ân" < "Phạm Bình"."""
    return sort_key_v1(name)


def sort_key_v1(name: str | None) -> str:
    """Version 1 of the key, as migration 0011 stores it. Never change it: write a new one."""
    words = unicodedata.normalize("NFC", name or "").casefold().translate(_LETTER_FOLDS).split()
    if len(words) > 1 and words[0] == _HOUSEHOLD:
        words = words[1:]
    if words:
        words = [words[-1], *words[:-1]]
    primary, secondary = [], []
    for word in words:
        ranks, tones = _letters(word)
        if ranks:
            primary.append(ranks)
            secondary.append(tones)
    return _WORD_BREAK.join(primary) + _LEVEL_BREAK + "".join(secondary)


# Names share most of their words (Nguyễn, Văn, Thị): a word is decomposed and ranked once.
@lru_cache(maxsize=8192)
def _letters(word: str) -> tuple[str, str]:
    """The ranks of a word's letters, and the tone of each."""
    ranks, tones = [], []
    base, marks = "", []
    for ch in unicodedata.normalize("NFD", word) + " ":  # the blank ends the last letter
        if unicodedata.combining(ch):
            marks.append(ch)
            continue
        if base:
            rank, tone = _letter(base, marks)
            ranks.append(rank)
            tones.append(tone)
        base, marks = "", []
        if ch.isalpha() or ch.isdigit():
            base = ch
    return "".join(ranks), "".join(tones)


def _letter(base: str, marks: list[str]) -> tuple[str, str]:
    """The rank and tone of one letter: a base character and its combining marks."""
    letter, tone = base, "0"
    for mark in marks:
        if (letter, mark) in _LETTER_MARKS:
            letter = _LETTER_MARKS[letter, mark]
        elif mark in _TONES and tone == "0":
            tone = _TONES[mark]
        else:
            tone = _OTHER_MARK
    if letter in _RANK:
        return _RANK[letter], tone
    if base.isascii() and base.isdigit():
        return base, tone
    return _OTHER_LETTER + unicodedata.normalize("NFC", letter), tone
