"""Realistic ledgers of any size, written straight into a database made by heartlink itself.

The file is created by `heartlink.db.open_for_write` (so by heartlink's own migrations and
default catalogue); beneficiaries, their categories and handouts are then bulk-inserted with
`executemany` inside one transaction. Handouts are spread evenly over the years, in date order
(so their ULIDs grow like real ones): several kinds and programmes, anonymous meals and lemonade
next to named cash, bicycles and school supplies, about 1% voided. Everything follows from the
seed, so a size always gives the same file.

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

GENERATOR_VERSION = 3
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
        yield (
            ulid(_millis(day) + millis_of_day, rng.getrandbits(80)),
            _name(rng, household),
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
        )


BENEFICIARY_COLUMNS = (
    "id, name, is_household, born, residential_group, address, phone, school, note, consent,"
    " created_at, created_by, updated_at, archived_at"
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


def generate(path: Path, count: int, *, years: int = YEARS, seed: int = 5) -> None:
    """Write a new heartlink database at `path` holding `count` handouts over `years` years."""
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
            people = list(beneficiaries(rng, beneficiary_count(count), calendar))
            _insert(tx, "beneficiary", BENEFICIARY_COLUMNS, people)
            people_ids = [row[0] for row in people]
            _insert(
                tx, "beneficiary_category", "beneficiary_id, category", categories(rng, people_ids)
            )
            # Indexes are built faster in one go than row by row: drop the handout table's
            # own and create them again from their exact SQL, so the schema stays heartlink's.
            indexes = tx.execute(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'index' AND tbl_name = 'handout' AND sql IS NOT NULL"
            ).fetchall()
            for name, _sql in indexes:
                tx.execute(f"DROP INDEX {name}")
            # The yearly summaries are computed once at the end, as an import does.
            upkeep = summaries.DeferredTotals(tx)
            upkeep.start()
            rows = handouts(rng, per_year(count, years), calendar, people_ids)
            for batch in _in_batches(rows):
                _insert(tx, "handout", HANDOUT_COLUMNS, batch)
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


def cache_path(work: Path, count: int, *, years: int = YEARS, seed: int = 5) -> Path:
    """Where the generated database for these parameters is kept."""
    name = f"handouts-{count}-y{years}-s{seed}-schema{db.SCHEMA_VERSION}-g{GENERATOR_VERSION}.db"
    return work / "data" / name


def cached(work: Path, count: int, *, years: int = YEARS, seed: int = 5) -> Path:
    """The generated database for these parameters, generated on first use and kept."""
    path = cache_path(work, count, years=years, seed=seed)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Built under another name, so an interrupted run never leaves a half-made cache.
        building = path.with_name(f"{path.stem}.{os.getpid()}.building")
        generate(building, count, years=years, seed=seed)
        building.replace(path)
    return path


def count_rows(path: Path, table: str = "handout") -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()
