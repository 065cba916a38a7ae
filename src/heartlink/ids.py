"""Identifiers that stay unique when two stations' files are merged: ULIDs.

A ULID is 48 bits of milliseconds since 1970 and 80 random bits, written as 26 characters of
Crockford base32, so ids sort by creation time. Written here rather than taken from python-ulid,
which imports importlib.metadata at start-up (~40 ms, more than the whole `record` budget).

People see a short code, the last CODE_LENGTH characters (all random bits), and may type either
the code or the whole id; lookups accept any unique ending of at least MIN_CODE_LENGTH.
"""

import os
import re
import sqlite3
import time

from heartlink.errors import InputError, NotFoundError
from heartlink.i18n import N_, _

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ID_LENGTH = 26
# The nouns resolve() names in its messages, marked for the catalogue and translated there; a
# hint (FIND_HINT of a module) is marked where it is defined and translated there too.
NOUNS = (
    N_("beneficiary"),
    N_("donor"),
    N_("handout"),
    N_("donation"),
    N_("spending line"),
    N_("sponsorship"),
)
CODE_LENGTH = 8
MIN_CODE_LENGTH = 6

# Crockford base32 reads the letters people confuse with digits as those digits.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


# The two characters that write each 10 bits.
_PAIRS = [first + second for first in ALPHABET for second in ALPHABET]


def new_id(now_ms: int | None = None) -> str:
    """A new ULID."""
    return new_ids(1, now_ms)[0]


def new_ids(count: int, now_ms: int | None = None) -> list[str]:
    """`count` new ULIDs of one time, from one draw of random bytes (for rows made in bulk)."""
    millis = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    # 26 characters are 130 bits, written 10 at a time: 50 of time (milliseconds use 48), then
    # 80 random.
    p = _PAIRS
    time_part = "".join(p[millis >> shift & 1023] for shift in (40, 30, 20, 10, 0))
    randomness = os.urandom(10 * count)
    made = []
    for start in range(0, 10 * count, 10):
        r = int.from_bytes(randomness[start : start + 10], "big")
        made.append(
            f"{time_part}{p[r >> 70]}{p[r >> 60 & 1023]}{p[r >> 50 & 1023]}{p[r >> 40 & 1023]}"
            f"{p[r >> 30 & 1023]}{p[r >> 20 & 1023]}{p[r >> 10 & 1023]}{p[r & 1023]}"
        )
    return made


def id_time_ms(ulid: str) -> int:
    """The creation time, in milliseconds since 1970, encoded in a ULID."""
    value = 0
    for ch in ulid[:10]:
        value = value * 32 + ALPHABET.index(ch)
    return value


def short_code(ulid: str) -> str:
    """The short form shown to people."""
    return ulid[-CODE_LENGTH:]


def normalize_reference(text: str) -> str:
    """An id or code as typed (any case, with I/L/O confusions, dashes) in canonical form."""
    return text.strip().upper().replace("-", "").translate(_READ_AS)


def looks_like_reference(text: str) -> bool:
    """True when text could be an id or a code (so not, say, a name)."""
    ref = normalize_reference(text)
    return MIN_CODE_LENGTH <= len(ref) <= ID_LENGTH and all(ch in ALPHABET for ch in ref)


# A full ULID already in canonical form, as heartlink writes it: nothing to normalise.
_CANONICAL_ID = re.compile(f"[0-7][{ALPHABET}]{{{ID_LENGTH - 1}}}")


def check_id(text: str) -> str:
    """A full ULID in canonical form, or InputError."""
    if _CANONICAL_ID.fullmatch(text):  # the common case, answered as _check_reference would
        return text
    return _check_reference(text)


def _check_reference(text: str) -> str:
    ref = normalize_reference(text)
    if len(ref) != ID_LENGTH or not looks_like_reference(ref) or ref[0] > "7":
        raise InputError(_("that is not a valid id (26 characters of Crockford base32)"))
    return ref


def resolve(conn: sqlite3.Connection, table: str, text: str, noun: str, hint: str) -> str:
    """The full id in `table` for a full id or a unique ending of one (the short code).

    `hint` tells the user how to find the right id when none or several match.
    """
    noun, hint = _(noun), _(hint)
    ref = normalize_reference(text)
    if not looks_like_reference(text):
        # A usage error (malformed), unlike a well-formed code that matches nothing. Not
        # echoed: what was typed instead of an id is often a name.
        raise InputError(
            _(
                "that is not a {noun} id or code (an id has {id_length} letters "
                "and digits, a code its last {code_length}); {hint}"
            ).format(noun=noun, id_length=ID_LENGTH, code_length=CODE_LENGTH, hint=hint)
        )
    if len(ref) == ID_LENGTH:
        row = conn.execute(f"SELECT id FROM {table} WHERE id = ?", (ref,)).fetchone()
        rows = [row] if row else []
    elif len(ref) == CODE_LENGTH:
        # The same expression as the index beneficiary_by_code (19 = ID_LENGTH - CODE_LENGTH + 1).
        rows = conn.execute(
            f"SELECT id FROM {table} WHERE substr(id, 19) = ? LIMIT 2", (ref,)
        ).fetchall()
    else:
        rows = conn.execute(
            f"SELECT id FROM {table} WHERE id LIKE '%' || ? LIMIT 2", (ref,)
        ).fetchall()
    if not rows:
        # Not echoed either: a phone or identity number typed here is personal data.
        raise NotFoundError(_("no {noun} has that id or code; {hint}").format(noun=noun, hint=hint))
    if len(rows) > 1:
        raise InputError(
            _("code {text!r} matches more than one {noun}; give more characters").format(
                text=text, noun=noun
            )
        )
    return rows[0][0]
