"""Realistic ledgers of any size, written straight into a database made by heartlink itself.

The file is created by `heartlink.db.open_for_write` (so by heartlink's own migrations and
default catalogue); beneficiaries, their categories and handouts are then bulk-inserted with
`executemany` inside one transaction. Handouts are spread evenly over the years, in date order
(so their ULIDs grow like real ones): several kinds and programmes, anonymous meals and lemonade
next to named cash, bicycles and school supplies, about 1% voided. Everything follows from the
seed, so a size always gives the same file.

A ledger may also hold money (issue 11): donors, donations (mostly cash, by hand or by bank,
some goods, most to the general fund) and spending lines across the programmes, spread evenly
over the same years, in time order, about 1% voided. Their yearly totals (donation_year,
spending_year) are kept by heartlink's own triggers as the rows go in.

The generated records are sealed in the audit log as one import (heartlink.audit.append with
`added_since`), so that `heartlink check` finds the ledger sound.

Generated files are cached by size, years, seed, schema version and GENERATOR_VERSION: bump the
latter whenever the data changes shape, so that stale caches are not reused.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import queue
import random
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from heartlink import audit, db, ids, seals, summaries
from heartlink.migrations import CATEGORIES
from heartlink.name_order import vietnamese_sort_key

GENERATOR_VERSION = 3  # money rows are named in the cache file only when there are some
FIRST_YEAR = 2016
YEARS = 10  # 2016 to 2025: the report year is the last one
HANDOUTS_PER_BENEFICIARY = 40
VOIDED_SHARE = 0.01
OTHER_PROGRAMME_SHARE = 0.05
OFFICER = "benchmark"


@dataclass(frozen=True)
class KindProfile:
    """How one kind of handout looks: how common, how often named, how many, how valued."""

    weight: int
    named: float  # share of handouts that go to a named beneficiary
    count: tuple[int, int]  # inclusive range; anonymous handouts use anon_count
    anon_count: tuple[int, int]
    unit_value: tuple[int, int] | None  # VND per unit, when a value is recorded
    valued: float  # share of handouts recorded with a value
    places: tuple[str, ...] = ()


STATION = "Công an phường Thanh Khê Đông"
HOSPITAL = "Bệnh viện Ung bướu Đà Nẵng"
SCHOOL = "Trường Tiểu học Hà Huy Tập"

KINDS: dict[str, KindProfile] = {
    "meal": KindProfile(30, 0.02, (1, 3), (20, 300), (20_000, 35_000), 0.3, (HOSPITAL, STATION)),
    "lemonade": KindProfile(10, 0.0, (1, 2), (20, 200), None, 0.0, (STATION,)),
    "cake": KindProfile(10, 0.6, (1, 5), (50, 300), (120_000, 180_000), 0.4, (STATION,)),
    "voucher": KindProfile(8, 0.9, (1, 2), (10, 100), (200_000, 500_000), 1.0),
    "bicycle": KindProfile(2, 1.0, (1, 1), (1, 1), (1_500_000, 3_000_000), 0.7, (SCHOOL,)),
    "uniform": KindProfile(6, 0.95, (1, 3), (10, 50), (150_000, 300_000), 0.5, (SCHOOL,)),
    "school-supplies": KindProfile(10, 0.9, (1, 5), (10, 80), (80_000, 150_000), 0.5, (SCHOOL,)),
    "cash": KindProfile(8, 1.0, (5, 60), (5, 60), None, 1.0),  # count × 100.000 đồng
    "livelihood-kit": KindProfile(1, 1.0, (1, 1), (1, 1), (3_000_000, 15_000_000), 0.6),
    "exam-prep": KindProfile(3, 1.0, (1, 1), (1, 1), None, 0.0),
    "gift": KindProfile(12, 0.7, (1, 10), (10, 200), (100_000, 500_000), 0.5, (STATION,)),
}
CASH_STEP = 100_000
DEFAULT_PROGRAMME = {
    "meal": "meals",
    "lemonade": "lemonade",
    "cake": "tet-cakes",
    "voucher": "tet-cakes",
    "bicycle": "school-support",
    "uniform": "school-support",
    "school-supplies": "school-support",
    "cash": "godmother",
    "livelihood-kit": "livelihood",
    "exam-prep": "exam-prep",
    "gift": "general",
}
PROGRAMMES = sorted(set(DEFAULT_PROGRAMME.values()))

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hữu", "Đức", "Thu", "Bích", "Quốc"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Lan",
    "Linh",
    "Mai",
    "Nam",
    "Ngọc",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Khoa",
    "Long",
    "Nhung",
    "Oanh",
]
STREETS = [
    "Hà Huy Tập",
    "Trần Cao Vân",
    "Điện Biên Phủ",
    "Lê Độ",
    "Thái Thị Bôi",
    "Nguyễn Văn Linh",
]
OFFICERS = [
    "Trung úy Lan",
    "Thiếu úy Nam",
    "Đại úy Hùng",
    "Thượng úy Mai",
    "Trung úy Sơn",
    "Thiếu tá Bình",
]
VOID_REASONS = ["typed 210 instead of 120", "wrong kind", "recorded twice", "wrong date"]

# ULIDs: 48 bits of milliseconds then 80 random bits, as 26 Crockford base32 digits. The
# digits are produced two at a time (10 bits) from a table: ten million ids must take seconds.
_PAIRS = [a + b for a in ids.ALPHABET for b in ids.ALPHABET]


def ulid(millis: int, random_bits: int) -> str:
    """The ULID for a time and 80 random bits, in the form heartlink.ids.new_id gives."""
    p, r = _PAIRS, random_bits
    return (
        f"{p[millis >> 40]}{p[millis >> 30 & 1023]}{p[millis >> 20 & 1023]}"
        f"{p[millis >> 10 & 1023]}{p[millis & 1023]}{p[r >> 70]}{p[r >> 60 & 1023]}"
        f"{p[r >> 50 & 1023]}{p[r >> 40 & 1023]}{p[r >> 30 & 1023]}{p[r >> 20 & 1023]}"
        f"{p[r >> 10 & 1023]}{p[r & 1023]}"
    )


def report_year(years: int = YEARS) -> int:
    """The year the report measurement asks for: the last generated one."""
    return FIRST_YEAR + years - 1


def per_year(count: int, years: int = YEARS) -> list[int]:
    """Handouts in each year: an even split, the remainder in the latest years (so that a
    one-handout ledger has its handout in the report year)."""
    base, extra = divmod(count, years)
    return [base + (1 if i >= years - extra else 0) for i in range(years)]


def beneficiary_count(handouts: int) -> int:
    return max(5, handouts // HANDOUTS_PER_BENEFICIARY)


def _millis(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) * 1000


DAY_MS = 86_400_000
_CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


def _timestamp(date: str, millis_of_day: int) -> str:
    """heartlink's created_at form (ISO 8601, UTC, milliseconds) for a time on a date."""
    return f"{date}T{_CLOCK[millis_of_day // 1000]}.{millis_of_day % 1000:03d}Z"


def _name(rng: random.Random, household: bool) -> str:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return unicodedata.normalize("NFC", f"Hộ {name}" if household else name)


def beneficiaries(rng: random.Random, count: int, years: list[int]) -> Iterator[tuple]:
    """Rows for the beneficiary table: registered over the first year (ids in time order),
    a few archived at the end of the last one."""
    first = dt.date(years[0], 1, 1)
    archived = f"{years[-1]}-12-31T09:00:00.000Z"
    for i in range(count):
        day = first + dt.timedelta(days=i * 365 // count)
        millis_of_day = 28_800_000 + rng.randint(0, 32_000_000)
        household = rng.random() < 0.3
        born = rng.randint(1940, 1975) if household else rng.randint(1950, 2018)
        created = _timestamp(day.isoformat(), millis_of_day)
        record_id = ulid(_millis(day) + millis_of_day, rng.getrandbits(80))
        name = _name(rng, household)
        yield (
            record_id,
            name,
            int(household),
            born,
            f"tổ {rng.randint(1, 60)}",
            f"{rng.randint(1, 300)} {rng.choice(STREETS)}" if rng.random() < 0.6 else None,
            f"09{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.4 else None,
            SCHOOL if not household and born >= 2005 else None,
            None,
            1 if rng.random() < 0.8 else None,
            created,
            OFFICER,
            None,
            archived if rng.random() < 0.05 else None,
            vietnamese_sort_key(name),  # kept by heartlink's register on every add and edit
        )


BENEFICIARY_COLUMNS = (
    "id, name, is_household, born, residential_group, address, phone, school, note, consent,"
    " created_at, created_by, updated_at, archived_at, name_sort_key"
)
CATEGORY_SLUGS = [slug for slug, _en, _vi in CATEGORIES]


def categories(rng: random.Random, beneficiary_ids: list[str]) -> Iterator[tuple[str, str]]:
    """One or two categories for each beneficiary."""
    for beneficiary_id in beneficiary_ids:
        for slug in set(rng.choices(CATEGORY_SLUGS, k=rng.choice((1, 1, 2)))):
            yield beneficiary_id, slug


HANDOUT_COLUMNS = (
    "id, date, year, kind, programme, beneficiary_id, count, value_vnd, place, note, officer,"
    " created_at, voided_at, voided_by, void_reason"
)


def handouts(
    rng: random.Random, counts_per_year: list[int], years: list[int], beneficiary_ids: list[str]
) -> Iterator[tuple]:
    """Rows for the handout table, spread evenly over each year, in time order."""
    slugs = list(KINDS)
    weights = [KINDS[slug].weight for slug in slugs]
    # random() rather than randint() and choice(): three times faster, and just as random here.
    random_, bits = rng.random, rng.getrandbits
    people = len(beneficiary_ids)
    for year, in_year in zip(years, counts_per_year, strict=True):
        first_day = dt.date(year, 1, 1)
        days = (dt.date(year + 1, 1, 1) - first_day).days
        dates = [(first_day + dt.timedelta(days=d)).isoformat() for d in range(days)]
        year_millis = _millis(first_day)
        for i, kind in enumerate(rng.choices(slugs, weights, k=in_year)):
            offset = i * days * DAY_MS // in_year
            date = dates[offset // DAY_MS]
            profile = KINDS[kind]
            named = random_() < profile.named
            low, high = profile.count if named else profile.anon_count
            count = low + int(random_() * (high - low + 1))
            value = None
            if kind == "cash":
                count *= CASH_STEP
                value = count
            elif profile.unit_value and random_() < profile.valued:
                low, high = profile.unit_value
                value = count * (low + int(random_() * (high - low)) // 1000 * 1000)
            programme = DEFAULT_PROGRAMME[kind]
            if random_() < OTHER_PROGRAMME_SHARE:
                programme = PROGRAMMES[int(random_() * len(PROGRAMMES))]
            place = None
            if profile.places and random_() < 0.7:
                place = profile.places[int(random_() * len(profile.places))]
            voided = random_() < VOIDED_SHARE
            yield (
                ulid(year_millis + offset, bits(80)),
                date,
                year,
                kind,
                programme,
                beneficiary_ids[int(random_() * people)] if named else None,
                count,
                value,
                place,
                "Mẹ đỡ đầu" if kind == "cash" and random_() < 0.2 else None,
                OFFICERS[int(random_() * len(OFFICERS))],
                _timestamp(date, offset % DAY_MS),
                # A mistake is voided a few minutes after it was recorded.
                _timestamp(date, min(offset % DAY_MS + 300_000, DAY_MS - 1)) if voided else None,
                OFFICERS[int(random_() * len(OFFICERS))] if voided else None,
                VOID_REASONS[int(random_() * len(VOID_REASONS))] if voided else None,
            )


# Money (issue 11) ----------------------------------------------------------------------------

DONOR_COLUMNS = (
    "id, name, type, phone, address, note, public, created_at, created_by, updated_at,"
    " archived_at, name_sort_key"
)
DONATION_COLUMNS = (
    "id, date, year, donor_id, kind, programme, count, value_vnd, method, reference, note,"
    " officer, created_at, voided_at, voided_by, void_reason"
)
SPENDING_COLUMNS = (
    "id, date, year, programme, amount_vnd, purpose, buys_kind, quantity, reference, note,"
    " officer, created_at, voided_at, voided_by, void_reason"
)
DONATIONS_PER_DONOR = 20
NAMED_DONATION_SHARE = 0.7  # the rest came from well-wishers who left no name
CASH_DONATION_SHARE = 0.85
BANK_SHARE = 0.4  # of money: by bank transfer, with its reference; the rest handed over
EARMARKED_SHARE = 0.4  # given for a programme; the rest goes to the general fund
MONEY_STEP = 50_000
# Goods given (in kind), with the value per unit when the giver says it.
GOODS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "gift": ((5, 100), (100_000, 300_000)),
    "cake": ((10, 200), (120_000, 180_000)),
    "school-supplies": ((10, 100), (80_000, 150_000)),
    "uniform": ((5, 50), (150_000, 300_000)),
    "bicycle": ((1, 5), (1_500_000, 3_000_000)),
    "voucher": ((10, 50), (200_000, 500_000)),
}
GOODS_VALUED = 0.6
DONOR_TYPES = ("individual", "individual", "individual", "organisation", "business", "officer")
BUSINESSES = ["Công ty TNHH Minh Phát", "Nhà thuốc Thanh Tâm", "Tiệm vàng Kim Long"]
BUSINESSES += ["Siêu thị Hòa Khánh", "Công ty CP Xây dựng Sông Hàn"]
ORGANISATIONS = ["Hội Phụ nữ phường", "Đoàn Thanh niên phường", "Chùa Phổ Đà"]
ORGANISATIONS += ["Hội Chữ thập đỏ quận", "Câu lạc bộ Thiện nguyện Đà Nẵng"]
# What the funds pay for: purpose, the programme it is mostly paid from, and the kind bought
# into stock (with the quantity range) when it buys one.
PURPOSES: list[tuple[str, str, tuple[str, tuple[int, int]] | None]] = [
    ("Gạo, thịt và rau cho bếp ăn", "meals", None),
    ("Gas và chất đốt cho bếp ăn", "meals", None),
    ("Chanh, đường và đá", "lemonade", None),
    ("Mua bánh tét tặng hộ nghèo", "tet-cakes", ("cake", (20, 200))),
    ("Mua sách vở cho học sinh", "school-support", ("school-supplies", (10, 100))),
    ("Mua đồng phục", "school-support", ("uniform", (5, 50))),
    ("Mua xe đạp", "school-support", ("bicycle", (1, 5))),
    ("Học phí lớp luyện thi", "exam-prep", None),
    ("Phương tiện sinh kế", "livelihood", None),
    ("Thuê xe chở quà", "general", None),
    ("In ấn và văn phòng phẩm", "general", None),
]
SPENDING_AMOUNT = (100_000, 5_000_000)
# Most of what a programme needs is paid from the general fund, where most money is given.
PAID_FROM_GENERAL = 0.5


def donors(rng: random.Random, count: int, first_year: int) -> Iterator[tuple]:
    """Rows for the donor table: registered over the first month (ids in time order), one in
    three agreeing to be named in public statements."""
    first = dt.date(first_year, 1, 1)
    for i in range(count):
        day = first + dt.timedelta(days=i * 30 // count)
        millis_of_day = 28_800_000 + rng.randint(0, 32_000_000)
        kind = rng.choice(DONOR_TYPES)
        if kind == "business":
            name = rng.choice(BUSINESSES)
        elif kind == "organisation":
            name = rng.choice(ORGANISATIONS)
        else:
            name = _name(rng, household=False)
        yield (
            ulid(_millis(day) + millis_of_day, rng.getrandbits(80)),
            name,
            kind,
            f"09{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.5 else None,
            f"{rng.randint(1, 300)} {rng.choice(STREETS)}" if rng.random() < 0.3 else None,
            None,
            int(rng.random() < 0.35),
            _timestamp(day.isoformat(), millis_of_day),
            OFFICER,
            None,
            None,
            vietnamese_sort_key(name),
        )


def _spread(
    rng: random.Random, counts_per_year: list[int], years: list[int]
) -> Iterator[tuple[str, int, str, int]]:
    """(id, year, date, millis of day) for entries spread evenly over each year, in time order."""
    bits = rng.getrandbits
    for year, in_year in zip(years, counts_per_year, strict=True):
        first_day = dt.date(year, 1, 1)
        days = (dt.date(year + 1, 1, 1) - first_day).days
        dates = [(first_day + dt.timedelta(days=d)).isoformat() for d in range(days)]
        year_millis = _millis(first_day)
        for i in range(in_year):
            offset = i * days * DAY_MS // in_year
            yield (
                ulid(year_millis + offset, bits(80)),
                year,
                dates[offset // DAY_MS],
                offset % DAY_MS,
            )


def _voided(rng: random.Random, date: str, millis_of_day: int) -> tuple:
    """The void columns: a mistake is voided a few minutes after it was recorded (1%)."""
    if rng.random() >= VOIDED_SHARE:
        return None, None, None
    return (
        _timestamp(date, min(millis_of_day + 300_000, DAY_MS - 1)),
        OFFICERS[int(rng.random() * len(OFFICERS))],
        VOID_REASONS[int(rng.random() * len(VOID_REASONS))],
    )


def donations(
    rng: random.Random, counts_per_year: list[int], years: list[int], donor_ids: list[str]
) -> Iterator[tuple]:
    """Rows for the donation table: money as heartlink `receive cash` writes it (count and
    value the amount in đồng), from 50.000 to 10.000.000, small gifts the most common; goods
    received in kind, valued when the giver says so."""
    random_ = rng.random
    goods = list(GOODS)
    for donation_id, year, date, millis_of_day in _spread(rng, counts_per_year, years):
        if random_() < CASH_DONATION_SHARE:
            kind = "cash"
            count = (1 + int(random_() ** 3 * 200)) * MONEY_STEP
            value: int | None = count
            method = "bank" if random_() < BANK_SHARE else "cash"
        else:
            kind = goods[int(random_() * len(goods))]
            (low, high), (cheapest, dearest) = GOODS[kind]
            count = low + int(random_() * (high - low + 1))
            value = None
            if random_() < GOODS_VALUED:
                value = count * (cheapest + int(random_() * (dearest - cheapest)) // 1000 * 1000)
            method = "in-kind"
        programme = "general"
        if random_() < EARMARKED_SHARE:
            programme = PROGRAMMES[int(random_() * len(PROGRAMMES))]
        named = donor_ids and random_() < NAMED_DONATION_SHARE
        yield (
            donation_id,
            date,
            year,
            donor_ids[int(random_() * len(donor_ids))] if named else None,
            kind,
            programme,
            count,
            value,
            method,
            f"FT{year % 100}{rng.getrandbits(40):012d}" if method == "bank" else None,
            "Mẹ đỡ đầu" if random_() < 0.05 else None,
            OFFICERS[int(random_() * len(OFFICERS))],
            _timestamp(date, millis_of_day),
            *_voided(rng, date, millis_of_day),
        )


def spending(rng: random.Random, counts_per_year: list[int], years: list[int]) -> Iterator[tuple]:
    """Rows for the spending table: what the funds paid for, half from the general fund and
    the rest mostly from the programme it serves; a few buy goods kept in stock."""
    random_ = rng.random
    low, high = SPENDING_AMOUNT
    for line_id, year, date, millis_of_day in _spread(rng, counts_per_year, years):
        purpose, programme, buys = PURPOSES[int(random_() * len(PURPOSES))]
        if random_() < PAID_FROM_GENERAL:
            programme = "general"
        elif random_() < OTHER_PROGRAMME_SHARE:
            programme = PROGRAMMES[int(random_() * len(PROGRAMMES))]
        kind, quantity = None, None
        if buys:
            kind, (fewest, most) = buys
            quantity = fewest + int(random_() * (most - fewest + 1))
        yield (
            line_id,
            date,
            year,
            programme,
            (low + int(random_() * (high - low))) // 1000 * 1000,
            purpose,
            kind,
            quantity,
            f"HĐ {rng.randint(1, 9999):04d}" if random_() < 0.5 else None,
            None,
            OFFICERS[int(random_() * len(OFFICERS))],
            _timestamp(date, millis_of_day),
            *_voided(rng, date, millis_of_day),
        )


def donor_count(donation_count: int) -> int:
    return max(1, donation_count // DONATIONS_PER_DONOR) if donation_count else 0


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _in_batches(rows: Iterator[tuple], size: int = 20_000) -> Iterator[list[tuple]]:
    """The rows in lists, produced by a second thread while this one inserts the previous
    lists (SQLite lets go of the GIL while it writes)."""
    batches: queue.Queue[list[tuple] | None] = queue.Queue(maxsize=8)

    def produce() -> None:
        try:
            while batch := list(itertools.islice(rows, size)):
                batches.put(batch)
        finally:
            batches.put(None)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    while (batch := batches.get()) is not None:
        yield batch
    producer.join()


def _insert(conn: sqlite3.Connection, table: str, columns: str, rows: Iterable[tuple]) -> None:
    marks = ", ".join("?" * (columns.count(",") + 1))
    conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _add_money(
    conn: sqlite3.Connection,
    rng: random.Random,
    donation_count: int,
    spending_count: int,
    calendar: list[int],
) -> None:
    """Donors, donations and spending lines, from their own random stream (so that the
    handouts of a ledger with money are those of the same ledger without). Their yearly
    totals are kept by heartlink's triggers as the rows go in (about 3 µs a row)."""
    years = len(calendar)
    givers = list(donors(rng, donor_count(donation_count), calendar[0]))
    _insert(conn, "donor", DONOR_COLUMNS, givers)
    given = donations(rng, per_year(donation_count, years), calendar, [row[0] for row in givers])
    for batch in _in_batches(given):
        _insert(conn, "donation", DONATION_COLUMNS, batch)
    for batch in _in_batches(spending(rng, per_year(spending_count, years), calendar)):
        _insert(conn, "spending", SPENDING_COLUMNS, batch)


def generate(
    path: Path,
    count: int,
    *,
    years: int = YEARS,
    seed: int = 5,
    donations: int = 0,
    spending: int = 0,
    people: int | None = None,
) -> None:
    """Write a new heartlink database at `path` holding `count` handouts over `years` years,
    and `donations` donations and `spending` spending lines over the same years; `people`
    beneficiaries instead of beneficiary_count(count)."""
    _remove(path)
    rng = random.Random(f"{seed}-{count}-{years}")
    calendar = list(range(FIRST_YEAR, FIRST_YEAR + years))
    with db.open_for_write(path) as ledger:
        conn = ledger.conn
        # A throw-away file being built: no journal, no fsync, a large page cache. The
        # generated rows are consistent by construction, so foreign keys are not re-checked.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA cache_size = -2000000")
        with ledger.write() as tx:
            before = seals.mark(tx)
            registered = people or beneficiary_count(count)
            people = list(beneficiaries(rng, registered, calendar))
            _insert(tx, "beneficiary", BENEFICIARY_COLUMNS, people)
            people_ids = [row[0] for row in people]
            _insert(
                tx, "beneficiary_category", "beneficiary_id, category", categories(rng, people_ids)
            )
            # Indexes are built faster in one go than row by row: drop the entry tables' own
            # and create them again from their exact SQL, so the schema stays heartlink's.
            indexes = tx.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN ('handout', 'donation', 'spending')"
            ).fetchall()
            for name, _sql in indexes:
                tx.execute(f"DROP INDEX {name}")
            # The yearly summaries are computed once at the end, as an import does.
            upkeep = summaries.DeferredTotals(tx)
            upkeep.start()
            rows = handouts(rng, per_year(count, years), calendar, people_ids)
            for batch in _in_batches(rows):
                _insert(tx, "handout", HANDOUT_COLUMNS, batch)
            _add_money(
                tx,
                random.Random(f"{seed}-money-{donations}-{spending}-{years}"),
                donations,
                spending,
                calendar,
            )
            for _name, sql in indexes:
                tx.execute(sql)
            upkeep.finish()
            # Sealed as an import is: one entry for every record added (heartlink.seals).
            audit.append(tx, audit.IMPORT, officer=OFFICER, target="generated", added_since=before)
        # heartlink's files are always in WAL mode.
        conn.execute("PRAGMA journal_mode = WAL")


def copy_beneficiaries(source: Path, target: Path) -> None:
    """A new ledger at `target` holding the beneficiaries of `source` and no handouts: what an
    import of `source`'s handouts needs.

    Everyone is active here. The generator archives 5% of them at the end of the last year,
    after their handouts; a ledger still holding those handouts keeps them, but an import
    checks each row as a new handout, which an archived beneficiary may not receive.
    """
    _remove(target)
    with db.open_for_write(target) as ledger:
        ledger.conn.execute("ATTACH DATABASE ? AS source", (str(source),))
        with ledger.write() as tx:
            for table in ("beneficiary", "beneficiary_category"):
                tx.execute(f"INSERT INTO {table} SELECT * FROM source.{table}")
            tx.execute("UPDATE beneficiary SET archived_at = NULL")
        ledger.conn.execute("DETACH DATABASE source")


# A sheet as the station types one: Vietnamese headings (heartlink.fields), no ids.
TYPED_HEADINGS = ["Ngày", "Loại", "Số lượng", "Người nhận", "Chương trình", "Địa điểm"]
TYPED_HEADINGS += ["Giá trị (đồng)", "Ghi chú"]


def _dotted(number: str) -> str:
    """1234567 -> 1.234.567, as numbers are written in Vietnam."""
    return f"{int(number):,}".replace(",", ".") if number else ""


def typed_sheet(export: Path, target: Path) -> int:
    """Rewrite a CSV written by `heartlink export handouts` as a sheet typed by hand, and
    return its rows: Vietnamese headings, no id (so each row gets a content key), every other
    date day first (06/03/2023), counts and values with dots for thousands, the beneficiary
    by short code, the programme only when it is not the kind's own."""
    import csv

    rows = 0
    with (
        open(export, encoding="utf-8-sig", newline="") as source,
        open(target, "w", encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(TYPED_HEADINGS)
        for row in csv.DictReader(source):
            date = row["date"]
            if rows % 2:
                date = f"{date[8:10]}/{date[5:7]}/{date[:4]}"
            programme = row["programme"]
            writer.writerow(
                [
                    date,
                    row["kind"],
                    _dotted(row["count"]),
                    ids.short_code(row["beneficiary"]) if row["beneficiary"] else "",
                    "" if programme == DEFAULT_PROGRAMME.get(row["kind"]) else programme,
                    row["place"],
                    _dotted(row["value_vnd"]),
                    row["note"],
                ]
            )
            rows += 1
    return rows


def csv_rows(path: Path) -> int:
    """The data rows of a CSV file (its lines after the header, quoted line breaks counted
    once)."""
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def cache_path(
    work: Path,
    count: int,
    *,
    years: int = YEARS,
    seed: int = 5,
    donations: int = 0,
    spending: int = 0,
    people: int | None = None,
) -> Path:
    """Where the generated database for these parameters is kept."""
    money = f"-money{donations}+{spending}" if donations or spending else ""
    money += f"-people{people}" if people else ""
    name = (
        f"handouts-{count}{money}-y{years}-s{seed}-schema{db.SCHEMA_VERSION}"
        f"-g{GENERATOR_VERSION}.db"
    )
    return work / "data" / name


def cached(
    work: Path,
    count: int,
    *,
    years: int = YEARS,
    seed: int = 5,
    donations: int = 0,
    spending: int = 0,
    people: int | None = None,
) -> Path:
    """The generated database for these parameters, generated on first use and kept."""
    options = {"years": years, "seed": seed, "donations": donations, "spending": spending}
    options["people"] = people
    path = cache_path(work, count, **options)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Built under another name, so an interrupted run never leaves a half-made cache.
        building = path.with_name(f"{path.stem}.{os.getpid()}.building")
        generate(building, count, **options)
        building.replace(path)
    return path


def count_rows(path: Path, table: str = "handout") -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
