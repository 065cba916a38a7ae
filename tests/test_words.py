"""Amounts in words for receipts: Vietnamese ("nghìn", "linh", "mốt", "tư", "lăm") and English."""

import pytest

from heartlink.errors import InputError
from heartlink.words import (
    amount_in_english,
    amount_in_vietnamese,
    number_in_english,
    number_in_vietnamese,
)


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "không"),
        (1, "một"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (55, "năm mươi lăm"),
        (100, "một trăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (999, "chín trăm chín mươi chín"),
        (1_000, "một nghìn"),
        (1_005, "một nghìn không trăm linh năm"),
        (10_000, "mười nghìn"),
        (21_000, "hai mươi mốt nghìn"),
        (100_000, "một trăm nghìn"),
        (1_000_000, "một triệu"),
        (1_000_005, "một triệu không trăm linh năm"),
        (1_050_000, "một triệu không trăm năm mươi nghìn"),
        (2_050_000, "hai triệu không trăm năm mươi nghìn"),
        (6_000_000, "sáu triệu"),
        (1_000_000_000, "một tỷ"),
        (1_000_000_005, "một tỷ không trăm linh năm"),
        (2_500_000_000, "hai tỷ năm trăm triệu"),
        (
            1_234_567_891,
            "một tỷ hai trăm ba mươi tư triệu năm trăm sáu mươi bảy nghìn tám trăm chín mươi mốt",
        ),
        (1_000_000_000_000, "một nghìn tỷ"),
    ],
)
def test_numbers_in_vietnamese(number, words):
    assert number_in_vietnamese(number) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (105, "Một trăm linh năm đồng"),
        (2_000_000, "Hai triệu đồng chẵn"),
        (6_000_000, "Sáu triệu đồng chẵn"),
        (1_000_005, "Một triệu không trăm linh năm đồng"),
        (2_050_000, "Hai triệu không trăm năm mươi nghìn đồng chẵn"),
    ],
)
def test_amounts_in_vietnamese_as_a_receipt_writes_them(amount, words):
    assert amount_in_vietnamese(amount) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (5, "five"),
        (15, "fifteen"),
        (21, "twenty-one"),
        (105, "one hundred five"),
        (1_000_005, "one million five"),
        (2_050_000, "two million fifty thousand"),
        (1_000_000_000, "one billion"),
        (1_000_000_000_000, "one trillion"),
    ],
)
def test_numbers_in_english(number, words):
    assert number_in_english(number) == words


def test_amount_in_english():
    assert amount_in_english(2_000_000) == "Two million dong"


@pytest.mark.parametrize("number", [-1, 1_000_000_000_001])
def test_out_of_range_refused(number):
    with pytest.raises(InputError):
        number_in_vietnamese(number)
    with pytest.raises(InputError):
        number_in_english(number)
