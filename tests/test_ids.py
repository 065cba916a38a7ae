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
