"""How the columns of handout and beneficiary sheets are named, shared by export and import.

Exports write the canonical columns first, then `id` and the others, under the English name or
(with --lang vi) the Vietnamese heading; import reads either, and the other spellings listed
here, ignoring case, accents, spaces and punctuation: "Số lượng", "so luong" and "SO_LUONG"
are one column. So every export imports back, and old sheets typed by hand mostly do too.
The columns themselves, their headings and spellings, are the nouns' fields (heartlink.nouns).
"""

import re

from heartlink.nouns import Field
from heartlink.text import fold

__all__ = ["Field", "header_key", "lookup"]


def header_key(text: object) -> str:
    """A header in the form headers are compared in: "Giá trị (đồng)" -> "gia tri dong"."""
    return re.sub(r"[^a-z0-9]+", " ", fold(str(text or ""))).strip()


def lookup(fields: tuple[Field, ...]) -> dict[str, str]:
    """Every accepted spelling of the fields' headers (as header_key gives it) -> field name."""
    spellings: dict[str, str] = {}
    for field in fields:
        for spelling in (field.name, field.vi, *field.aliases):
            spellings.setdefault(header_key(spelling), field.name)
    return spellings
