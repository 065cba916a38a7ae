"""Issue 13's measurements: reading a workbook to import (python-calamine against the openpyxl
reader heartlink had before), and `import handouts` against the floor the schema itself sets
(the same rows, already checked, inserted with executemany in one transaction)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from benchmarks import datagen
from benchmarks.harness import RATE, Command, Comparison, Context, measurement, run_once
from benchmarks.measurements import (
    _fresh_copy,
    _imported,
    bulk_size,
    exported_csv,
    import_argv,
    size_label,
)

SHEET_ROWS = 100_000

# Reads every record of a workbook's handout table the way `heartlink import` does now.
READ_NOW = """
import sys
from heartlink import sheets
from heartlink.importer import HANDOUT_COLUMNS
with sheets.open_sheet(sys.argv[1], HANDOUT_COLUMNS, ("count", "value_vnd")) as table:
    rows = sum(1 for _ in table.records())
assert rows == int(sys.argv[2]), rows
"""

# The reader heartlink had before issue 13 (sheets._xlsx_tables and the header search): openpyxl
# in read-only mode, every cell made text as heartlink makes it.
READ_BEFORE = """
import sys
from openpyxl import load_workbook
from heartlink import fields, sheets
from heartlink.importer import HANDOUT_COLUMNS
spellings = fields.lookup(HANDOUT_COLUMNS)
book = load_workbook(sys.argv[1], read_only=True, data_only=True)
sheet = book.worksheets[0]
sheet.reset_dimensions()
rows = ([sheets._text(cell) for cell in row] for row in sheet.iter_rows(values_only=True))
header = next(rows)
keys = [fields.header_key(heading) for heading in header]
columns = {spellings[key]: i for i, key in enumerate(keys) if key in spellings}
count = 0
for texts in rows:
    if not "".join(texts).strip():
        continue
    texts += [""] * (len(header) - len(texts))
    record = {name: texts[index] for name, index in columns.items()}
    count += 1
book.close()
assert count == int(sys.argv[2]), count
"""


def handout_workbook(path: Path, rows: int, seed: int = 5) -> Path:
    """An .xlsx of `rows` handouts as a station types them: real dates, Vietnamese headings."""
    import datetime as dt

    from openpyxl import Workbook

    if path.exists():
        return path
    rng = random.Random(seed)
    kinds = ["meal", "Suất cơm", "cake", "lemonade", "Quà", "school-supplies"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Trao quà")
    sheet.append(["Ngày", "Loại", "Số lượng", "Địa điểm", "Ghi chú"])
    start = dt.date(2023, 1, 2)
    for number in range(rows):
        day = start + dt.timedelta(days=rng.randrange(360))
        note = "Bệnh viện Ung bướu" if number % 7 == 0 else None
        sheet.append([day, rng.choice(kinds), rng.randrange(1, 200), "Đà Nẵng", note])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


@measurement("sheets", "reading a 100k-row handout .xlsx: python-calamine against openpyxl")
def read_workbook(ctx: Context) -> list[Comparison]:
    rows = SHEET_ROWS
    book = handout_workbook(ctx.work / "data" / f"handouts-{rows}.xlsx", rows, ctx.seed)
    return [
        Comparison(
            f"13a. read {size_label(rows)} handout rows of an .xlsx",
            Command(
                "heartlink.sheets (python-calamine)",
                ctx.python("-c", READ_NOW, str(book), str(rows)),
            ),
            Command(
                "openpyxl read-only (the reader before)",
                ctx.python("-c", READ_BEFORE, str(book), str(rows)),
            ),
            limit=0.33,
            slow=True,
        )
    ]


# Inserts the rows of a JSON list of column lists into the handout table of a heartlink ledger
# with executemany, in one BEGIN IMMEDIATE transaction, with the schema's indexes and triggers.
INSERT_PARSED = """
import json, sqlite3, sys
from heartlink import entries
from heartlink.nouns import HANDOUT
columns = entries.insert_columns(HANDOUT)
with open(sys.argv[2], encoding="utf-8") as f:
    rows = json.load(f)
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA synchronous = FULL")
conn.execute("BEGIN IMMEDIATE")
conn.executemany(
    f"INSERT INTO handout ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", rows
)
conn.execute("COMMIT")
conn.close()
"""


def parsed_rows(ctx: Context, ledger: Path, target: Path) -> Path:
    """The handouts an import stored, as the JSON rows INSERT_PARSED inserts: the same rows,
    already checked (made once per run, untimed)."""
    import sqlite3

    from heartlink import entries
    from heartlink.nouns import HANDOUT

    columns = entries.insert_columns(HANDOUT)
    conn = sqlite3.connect(ledger)
    try:
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM handout ORDER BY rowid").fetchall()
    finally:
        conn.close()
    target.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return target


@measurement("floor", "`heartlink import handouts` of a CSV against executemany of its rows")
def import_floor(ctx: Context) -> list[Comparison]:
    ctx.require_heartlink("import", "handouts")
    size = bulk_size(ctx)
    source = ctx.ledger(size)
    sheet, rows = exported_csv(ctx, source)
    template = ctx.scratch("floor-template.db")
    datagen.copy_beneficiaries(source, template)
    imported, floor = ctx.scratch("floor-import.db"), ctx.scratch("floor-insert.db")
    _fresh_copy(template, imported)
    run_once(Command("import once", import_argv(ctx, imported, sheet)), ctx.env)
    parsed = parsed_rows(ctx, imported, ctx.scratch("floor-rows.json"))
    return [
        Comparison(
            f"13b. import {size_label(size)} CSV against executemany of the parsed rows",
            Command(
                f"heartlink import handouts, {rows:,} rows",
                import_argv(ctx, imported, sheet),
                prepare=lambda: _fresh_copy(template, imported),
                check=_imported(imported, rows, "heartlink import"),
            ),
            Command(
                "executemany of the same rows, parsed, into heartlink's schema",
                ctx.python("-c", INSERT_PARSED, str(floor), str(parsed)),
                prepare=lambda: _fresh_copy(template, floor),
                check=_imported(floor, rows, "executemany"),
            ),
            limit=0.5,
            metric=RATE,
            rows=rows,
            slow=True,
        )
    ]
