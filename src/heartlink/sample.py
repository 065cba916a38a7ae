"""The bundled sample: the station's 2023 activity (fictional people, real totals).

Travels inside the wheel as heartlink/sample_data; in a source checkout it is the repository's
data/ folder. It is loaded by the importer, exactly as `heartlink import` would take the files;
the donors, which have no `import`, are read with heartlink's sheet reader and registered one
by one as `heartlink donor add` registers them.

The money side ties: the officers' monthly contributions pay for the meals' ingredients, their
Tết money and one public individual's gift pay the bakery's bill and the shopping vouchers, a
business gives the other bánh tét, and the godmother's money is the cash handed out to the
orphan. The cakes and vouchers are stock-tracked: what came in is what went out. The station
is the article's: Công an phường Thanh Khê Đông (TKD), Đà Nẵng.

The orphan's godmother support is a sponsorship (sample-2023-sponsorships.csv: the station as
sponsor, 6.000.000 ₫ a year, paid monthly): each of the twelve monthly cash handouts of 500.000 ₫
to its beneficiary is linked to it, as `record cash --sponsorship` links one.
"""

from pathlib import Path

from heartlink import donors, importer, sheets, stations, stock
from heartlink.db import Ledger
from heartlink.errors import HeartlinkError
from heartlink.i18n import _
from heartlink.nouns import DONOR

BENEFICIARIES = "sample-2023-beneficiaries.csv"
DONORS = "sample-2023-donors.csv"
DONATIONS = "sample-2023-donations.csv"
SPENDING = "sample-2023-spending.csv"
HANDOUTS = "sample-2023-handouts.csv"
SPONSORSHIPS = "sample-2023-sponsorships.csv"
TRACKED_KINDS = ("cake", "voucher")
OFFICER = "sample"
# The station of the article the project started from (its head is named there, in public).
STATION = {
    "station_id": "01GNN9Z7R0TKD0SAMP1E0STAT1",
    "name": "Công an phường Thanh Khê Đông",
    "code": "TKD",
    "place": "Đà Nẵng",
    "head": "Phạm Thanh Sơn",
}


def data_dir() -> Path:
    installed = Path(__file__).parent / "sample_data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "data"


def load(ledger: Ledger) -> Ledger:
    """Fill an (empty) ledger with the sample and return it."""
    folder = data_dir()
    with ledger.write() as conn:
        stations.set_own(conn, officer=OFFICER, **STATION)
    importer.import_beneficiaries(ledger, folder / BENEFICIARIES, officer=OFFICER)
    _add_donors(ledger, folder / DONORS)
    importer.import_donations(ledger, folder / DONATIONS, officer=OFFICER)
    importer.import_spending(ledger, folder / SPENDING, officer=OFFICER)
    importer.import_handouts(ledger, folder / HANDOUTS, officer=OFFICER)
    _add_sponsorships(ledger, folder / SPONSORSHIPS)
    with ledger.write() as conn:
        for kind in TRACKED_KINDS:
            stock.set_tracked(conn, kind, True, officer=OFFICER)
    return ledger


def _add_donors(ledger: Ledger, path: Path) -> None:
    """Register each donor of the sheet with `donor add`'s checks, keeping the id the sheet
    gives them (the donations name their donor by it). A bad row names its row and field."""
    with sheets.open_sheet(path, DONOR.of(DONOR.imported)) as sheet:
        for number, given, wrong in sheet.records():
            if wrong:
                raise HeartlinkError(
                    _("{sheet} row {number}: {wrong}").format(
                        sheet=sheet.name, number=number, wrong=wrong
                    )
                )
            fields = {name: text for name, text in given.items() if text.strip() and name != "id"}
            try:
                donors.REGISTER.add(
                    ledger, officer=OFFICER, record_id=given.get("id") or None, **fields
                )
            except HeartlinkError as exc:
                raise HeartlinkError(
                    _("{sheet} row {number}: {exc}").format(
                        sheet=sheet.name, number=number, exc=exc
                    )
                ) from exc


def _add_sponsorships(ledger: Ledger, path: Path) -> None:
    """Each sponsorship of the sheet, added as `sponsorship add` adds it, and the cash handouts
    to its beneficiary linked to it."""
    import csv

    from heartlink import sponsorships

    with path.open(encoding="utf-8", newline="") as sheet:
        for given in csv.DictReader(sheet):
            added = sponsorships.add(
                ledger,
                to=given["beneficiary"],
                amount=given["amount_vnd"],
                per=given["per"],
                pay_out=given["pay_out"],
                start=given["start"],
                end=given["end"] or None,
                programme=given["programme"],
                note=given["note"] or None,
                officer=OFFICER,
                record_id=given["id"],
            )
            paid = ledger.conn.execute(
                "SELECT id FROM handout WHERE beneficiary_id = ? AND kind = 'cash'"
                " AND voided_at IS NULL ORDER BY date, id",
                (given["beneficiary"],),
            )
            sponsorships.link_handouts(
                ledger, added["id"], [row[0] for row in paid.fetchall()], officer=OFFICER
            )
