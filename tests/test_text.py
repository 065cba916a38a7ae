import datetime as dt
import sys
import unicodedata

import pytest

from heartlink import text
from heartlink.errors import InputError
from heartlink.text import (
    clean,
    clean_group,
    fold,
    parse_count,
    parse_date,
    parse_money,
    parse_year,
)

NFC = "Nguyễn Phạm Thanh Sơn"
NFD = unicodedata.normalize("NFD", NFC)


def test_nfc_and_nfd_store_the_same():
    assert NFC != NFD
    assert clean(NFD) == clean(NFC) == NFC


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Phạm Thanh Sơn", "pham thanh son"),
        (NFD, "nguyen pham thanh son"),
        ("Đặng Văn Đức", "dang van duc"),
        ("  ĐỖ   thị  ", "do thi"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_accents_case_and_folds_d(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("120", 120),
        ("6.000.000", 6_000_000),
        ("6,000,000", 6_000_000),
        ("1.500", 1500),
        (" 42 ", 42),
        ("0012", 12),
        (7, 7),
    ],
)
def test_counts_as_people_write_them(typed, value):
    assert parse_count(typed) == value


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("0", "at least 1"),
        ("-3", "positive"),
        ("1.5", "whole number"),
        ("2,50", "whole number"),
        ("1.000.0000", "whole number"),
        ("abc", "whole number"),
        ("1000000001", "over one billion"),
        ("", "whole number"),
    ],
)
def test_bad_counts_say_what_is_wrong(typed, says):
    with pytest.raises(InputError, match=says):
        parse_count(typed)


def test_money_allows_zero_but_not_fractions():
    assert parse_money("0") == 0
    with pytest.raises(InputError):
        parse_money("30.5")


TODAY = dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("2023-03-06", dt.date(2023, 3, 6)),
        ("06/03/2023", dt.date(2023, 3, 6)),
        ("6/3/2023", dt.date(2023, 3, 6)),
        ("31.12.2023", dt.date(2023, 12, 31)),
        ("today", TODAY),
        ("yesterday", dt.date(2023, 12, 31)),
        ("hôm qua", dt.date(2023, 12, 31)),
        ("2024-01-02", dt.date(2024, 1, 2)),  # one day ahead: time zones
    ],
)
def test_dates_iso_and_day_first(typed, date):
    assert parse_date(typed, today=TODAY) == date


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2023-02-30", "does not exist"),
        ("30/02/2023", "does not exist"),
        ("2023-13-01", "does not exist"),
        ("2024-01-03", "future"),
        ("1999-12-31", "before 2000"),
        ("March 6", "not a date"),
        ("03-06-2023", "not a date"),
    ],
)
def test_bad_dates_say_what_is_wrong(typed, says):
    with pytest.raises(InputError, match=says):
        parse_date(typed, today=TODAY)


def test_years_from_2000_to_next_year():
    assert parse_year("2023", today=TODAY) == 2023
    assert parse_year(2025, today=TODAY) == 2025
    for bad in ("1999", "2026", "two thousand"):
        with pytest.raises(InputError):
            parse_year(bad, today=TODAY)


@pytest.mark.parametrize(
    "typed", ["39", "tổ 39", "To 39", "TỔ  39", "tổ dân phố 39", "to dan pho 39"]
)
def test_residential_group_has_one_spelling(typed):
    assert clean_group(typed) == "tổ 39"


def test_other_group_names_are_kept():
    assert clean_group("Khu tập thể A") == "Khu tập thể A"


def _read(parse, typed):
    try:
        return parse(typed, "count")
    except InputError as exc:
        return ("refused", str(exc))


def test_plain_digits_take_a_fast_path_that_reads_as_the_general_one():
    """ASCII digits alone skip the Vietnamese forms; they read as the general path reads them,
    and digits of other scripts are refused by both (int() would read "١٢٣" as 123)."""
    samples = ["0", "7", "120", "0012", "9" * 24, "9" * 25, "٣", "١٢٣", "७०", "１２", "²", "¹²"]
    samples += [" 12", "12 ", "1 000", "1_000", "1.500", "1,500", "1.5", "-5", "+5", "", " "]
    samples += ["12\n", "\t12", "1.234.567", "1,234.567", "12a", "Ⅻ", "1e3", "0x10"]
    for typed in samples:
        assert _read(text.parse_whole_number, typed) == _read(text._parse_typed_number, typed)
    # The fast path's test (ASCII and isdigit) takes exactly what _PLAIN takes: 0 to 9.
    characters = [chr(code) for code in range(sys.maxunicode + 1)]
    fast = [c for c in characters if c.isascii() and c.isdigit()]
    assert fast == [c for c in characters if text._PLAIN.fullmatch(c)] == list("0123456789")
    for typed in ("١٢٣", "１２", "²", "1٢0"):
        assert _read(text.parse_whole_number, typed)[0] == "refused"


def test_a_phone_number_too_short_is_told_as_too_short(run):
    result = run("beneficiary", "add", "Hồ Dũng", "--phone", "12345")
    assert result.exit_code == 2
    assert "too short" in result.stderr and "other than digits" not in result.stderr
    assert "12345" not in result.stderr
    vi = run("--lang", "vi", "beneficiary", "add", "Hồ Dũng", "--phone", "12 3")
    assert vi.exit_code == 2 and "quá ngắn" in vi.stderr
    assert run("beneficiary", "add", "Hồ Dũng", "--phone", "0905 12a").exit_code == 2
    assert "other than digits" in run("beneficiary", "add", "Hồ Dũng", "--phone", "09x").stderr


def test_a_sheet_with_a_phone_too_short_names_its_row(run, tmp_path):
    sheet = tmp_path / "danh-sach.csv"
    sheet.write_text("name;phone\nHồ Dũng;12345\n", encoding="utf-8")
    result = run("import", "beneficiaries", str(sheet))
    assert result.exit_code == 1
    assert "row 2, column phone: phone number is too short" in result.stderr
