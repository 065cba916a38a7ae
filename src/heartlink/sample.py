"""The bundled sample: the station's 2023 activity (fictional people, real totals).

Travels inside the wheel as heartlink/sample_data; in a source checkout it is the repository's
data/ folder. It is loaded by the importer, exactly as `heartlink import` would take the files.
"""

from pathlib import Path

from heartlink import importer
from heartlink.db import Ledger

BENEFICIARIES = "sample-2023-beneficiaries.csv"
HANDOUTS = "sample-2023-handouts.csv"
OFFICER = "sample"


def data_dir() -> Path:
    installed = Path(__file__).parent / "sample_data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "data"


def load(ledger: Ledger) -> Ledger:
    """Fill an (empty) ledger with the sample and return it."""
    importer.import_beneficiaries(ledger, data_dir() / BENEFICIARIES, officer=OFFICER)
    importer.import_handouts(ledger, data_dir() / HANDOUTS, officer=OFFICER)
    return ledger
