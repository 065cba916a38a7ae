"""`heartlink bundle YEAR --output tkd-2023.hlb`: a station's records made for sending.

A bundle is a zip holding `bundle.db`, a heartlink database of this schema with the station's
records in the reduced form of heartlink.merging (beneficiaries as code, category and group; no
names, phones, addresses, schools, notes, places or donors), and `bundle.db.sha256`, the
SHA-256 of that file: `merge` refuses a bundle whose database does not match it. One file, so
that it travels whole on a USB stick or by mail.

It holds every record dated up to YEAR, not only YEAR's: a void made since an earlier bundle
(of any earlier year) travels with the next one, and a newer bundle is all a receiver needs.
Voids are carried as they stand when the bundle is made, and so are the closed years up to YEAR
(closings and reopenings, without their note or reason).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from heartlink import audit, db, files, merging, seals, stations
from heartlink.db import Ledger
from heartlink.errors import DatabaseError, HeartlinkError
from heartlink.i18n import _
from heartlink.text import parse_year

MEMBER = "bundle.db"
CHECKSUM_MEMBER = MEMBER + ".sha256"
SUFFIX = ".hlb"


def is_bundle(path: Path) -> bool:
    return zipfile.is_zipfile(path)


def unpack(path: Path, folder: Path) -> Path:
    """The bundle's database, written to `folder` (private) once its SHA-256 matches."""
    damaged = merging._refuse(
        path.name,
        _(
            "the bundle is damaged or changed on the way (its checksum does not match); ask the "
            "station for it again"
        ),
    )
    target = folder / MEMBER
    digest = hashlib.sha256()
    try:
        with zipfile.ZipFile(path) as bundle:
            expected = bundle.read(CHECKSUM_MEMBER).decode("ascii").split()[0]
            with bundle.open(MEMBER) as member, open(target, "wb") as out:
                os.chmod(target, files.PRIVATE_FILE)
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    except KeyError:
        raise merging._refuse(path.name, _("it is a zip file but not a heartlink bundle")) from None
    except (zipfile.BadZipFile, UnicodeDecodeError, IndexError, OSError, EOFError):
        raise damaged from None
    if digest.hexdigest() != expected:
        raise damaged
    return target


def make(ledger: Ledger, year: int | str, output: Path, *, officer: str) -> dict:
    """Write the bundle of the ledger's station, records dated up to `year`, to `output`."""
    year = parse_year(year)
    if ledger.path is None or not ledger.path.exists():
        raise HeartlinkError(_("there is no database at {path} to bundle").format(path=ledger.path))
    station = stations.own(ledger.conn)
    if station is None:
        raise HeartlinkError(
            _(
                "a bundle names the station it comes from, and this file has none yet; set it "
                'with `heartlink station set --name "…" --code …`'
            )
        )
    if output.is_dir():
        raise HeartlinkError(
            _("--output {path} is a folder; give a file name such as {example}").format(
                path=output, example=f"{station.code.lower()}-{year}{SUFFIX}"
            )
        )
    with tempfile.TemporaryDirectory(prefix="heartlink-bundle-") as folder:
        inner = Path(folder) / MEMBER
        files.create_private(inner)
        summary = _fill(inner, ledger.path, year, station, officer)
        sha = files.sha256(inner)
        partial = output.with_name(f".{output.name}.partial")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as bundle:
                bundle.write(inner, MEMBER)
                bundle.writestr(CHECKSUM_MEMBER, f"{sha}  {MEMBER}\n")
            os.chmod(partial, files.PRIVATE_FILE)
            os.replace(partial, output)
        except OSError as exc:
            files.remove_quietly(partial)
            raise DatabaseError(
                _("cannot write {path}: {reason}").format(path=output, reason=exc.strerror)
            ) from None
    return summary | {"output": str(output), "sha256": sha}


def _fill(inner: Path, source: Path, year: int, station: stations.Station, officer: str) -> dict:
    with db.open_for_write(inner) as bundle:
        conn = bundle.conn
        conn.execute(f"ATTACH DATABASE ? AS {merging.SOURCE}", (db.sqlite_uri(source, mode="ro"),))
        with bundle.write() as conn:
            # The station's own catalogue, not this file's defaults: nothing refers to them yet.
            for table in ("kind", "programme", "category"):
                conn.execute(f"DELETE FROM main.{table}")
            conn.execute(f"INSERT INTO main.station SELECT * FROM {merging.SOURCE}.station")
            mark = seals.mark(conn)
            added = merging.copy_reduced(conn, None, year)
            merging.copy_closings(conn, year)
            summary = {"station": station.code, "station_id": station.id, "up_to_year": year}
            summary["rows"] = {
                t: n for t, n in added.items() if t in ("beneficiary", *merging.ENTRY_TABLES)
            }
            changed = {
                table: [row[0] for row in conn.execute(f"SELECT {key} FROM main.{table}")]
                for table, key in (
                    ("station", "id"),
                    ("kind", "slug"),
                    ("programme", "slug"),
                    ("category", "slug"),
                    ("year_closing", "id"),
                    ("year_reopening", "id"),
                )
            }
            audit.append(
                conn,
                audit.BUNDLE,
                officer=officer,
                target=station.code,
                after=summary,
                added_since=mark,
                changed=changed,
            )
        conn.execute(f"DETACH DATABASE {merging.SOURCE}")
        conn.execute("PRAGMA journal_mode = DELETE")
    return summary
