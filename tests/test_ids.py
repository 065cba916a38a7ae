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
