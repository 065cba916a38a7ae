"""The bundled sample: the station's 2023 activity (fictional people, real totals).

Travels inside the wheel as heartlink/sample_data; in a source checkout it is the repository's
data/ folder.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from heartlink import beneficiaries, handouts
from heartlink.db import Ledger

BENEFICIARIES = "sample-2023-beneficiaries.csv"
HANDOUTS = "sample-2023-handouts.csv"
OFFICER = "sample"


def data_dir() -> Path:
    installed = Path(__file__).parent / "sample_data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "data"


def _rows(name: str) -> Iterator[dict]:
    with open(data_dir() / name, encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f)


def load(ledger: Ledger) -> Ledger:
    """Fill an (empty) ledger with the sample and return it."""
    for row in _rows(BENEFICIARIES):
        beneficiaries.add(
            ledger,
            officer=OFFICER,
            force=True,
            beneficiary_id=row["id"],
            name=row["name"],
            categories=[c for c in row["categories"].split(";") if c],
            born=row["born"] or None,
            group=row["group"] or None,
            school=row["school"] or None,
            consent=row["consent"] == "1",
            household=row["household"] == "1",
        )
    for row in _rows(HANDOUTS):
        handouts.record(
            ledger,
            row["kind"],
            count=row["count"],
            date=row["date"],
            to=row["beneficiary"] or None,
            programme=row["programme"] or None,
            place=row["place"] or None,
            value=row["value_vnd"] or None,
            note=row["note"] or None,
            officer=OFFICER,
        )
    return ledger
