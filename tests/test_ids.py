import os
import time

import pytest

from heartlink import ids
from heartlink.errors import InputError


def test_new_ids_are_ulids_that_sort_by_time():
    first = ids.new_id(now_ms=1_000)
    second = ids.new_id(now_ms=2_000)
    assert len(first) == 26
    assert set(first) <= set(ids.ALPHABET)
    assert first < second
    assert ids.id_time_ms(first) == 1_000


def test_new_id_carries_the_current_time():
    before = time.time_ns() // 1_000_000
    made = ids.id_time_ms(ids.new_id())
    assert before <= made <= time.time_ns() // 1_000_000


def test_ids_are_unique():
    assert len({ids.new_id() for _ in range(10_000)}) == 10_000


def test_references_accept_any_case_and_confusable_letters():
    assert ids.normalize_reference(" 7kq2-mxob ") == "7KQ2MX0B"
    assert ids.normalize_reference("il") == "11"


def test_check_id_refuses_what_is_not_a_ulid():
    assert ids.check_id("01gnna1j00emxdymm08qw1veyt") == "01GNNA1J00EMXDYMM08QW1VEYT"
    for bad in ("short", "8" * 26, "01GNNA1J00EMXDYMM08QW1VEY*"):
        with pytest.raises(InputError):
            ids.check_id(bad)


def _outcome(check, text):
    try:
        return check(text)
    except InputError as exc:
        return ("refused", str(exc))


# Every kind of character an id cell may hold: the alphabet, lower case, the letters Crockford
# reads as digits (I L O U), separators, blanks, and letters outside ASCII, some of which upper
# case to ASCII ("ı" to "I", "ſ" to "S").
_CHARACTERS = ids.ALPHABET + ids.ALPHABET.lower() + "ILOUilou- _*\t\n'.ıſﬀ٣７Ａ"


def test_check_id_fast_path_answers_as_the_general_path():
    """Ids in canonical form skip normalising (a regular expression); every other text gets
    the general check. Both agree on every id and every change of one character of it."""
    valid = "01GNNA1J00EMXDYMM08QW1VEYT"
    texts = {valid, valid.lower(), f" {valid} ", valid[:25], valid + "0", "7" + "Z" * 25}
    texts |= {"8" + valid[1:], "0" * 26, "", "-".join([valid[:10], valid[10:]])}
    for position in range(len(valid) + 1):
        for ch in _CHARACTERS:
            texts.add(valid[:position] + ch + valid[position + 1 :])
            texts.add(valid[:position] + ch + valid[position:])
    accepted = 0
    for text in texts:
        expected = _outcome(ids._check_reference, text)
        assert _outcome(ids.check_id, text) == expected, text
        accepted += isinstance(expected, str)
    # Both paths were exercised: canonical ids, and ids accepted only after normalising.
    assert ids.check_id("01gnna1j00emxdymm08qw1veyt") == valid
    assert ids.check_id("OIGNNAIJOOEMXDYMMO8QWIuEYT") == valid
    assert 500 < accepted < len(texts)


def _one_character_at_a_time(millis: int, random_bits: int) -> str:
    """The ULID written as its definition says: 130 bits, 5 at a time, time first."""
    value = (millis << 80) | random_bits
    return "".join(ids.ALPHABET[value >> shift & 31] for shift in range(125, -1, -5))


def test_ids_made_in_bulk_are_the_ulids_of_their_time_and_random_bits(monkeypatch):
    """new_ids writes 10 bits at a time from one draw of random bytes: the same characters as
    5 bits at a time, with every id of the batch at one time and its own 80 random bits."""
    draws, real = [], os.urandom

    def urandom(size: int) -> bytes:
        draws.append(real(size))
        return draws[-1]

    monkeypatch.setattr(ids.os, "urandom", urandom)
    for millis in (0, 1, 1_000, 1_700_000_000_123, 2**48 - 1):
        made = ids.new_ids(300, now_ms=millis)
        randomness = draws[-1]
        assert len(randomness) == 300 * 10
        assert made == [
            _one_character_at_a_time(millis, int.from_bytes(randomness[i : i + 10], "big"))
            for i in range(0, 3000, 10)
        ]
        assert all(ids.check_id(made_id) == made_id for made_id in made)
        assert {ids.id_time_ms(made_id) for made_id in made} == {millis}
    assert len(set(ids.new_ids(10_000))) == 10_000
    # The extremes of the random bits.
    for random_bits in (0, 2**80 - 1):
        monkeypatch.setattr(ids.os, "urandom", lambda size, bits=random_bits: bits.to_bytes(10))
        assert ids.new_id(now_ms=5) == _one_character_at_a_time(5, random_bits)
