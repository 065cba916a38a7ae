"""`heartlink merge` and `heartlink bundle`: several stations' files in one view, merged as often
as new files arrive without doubling anything, and no personal data leaving a station."""

import hashlib
import sqlite3
import zipfile
from pathlib import Path

import pytest

from conftest import heartlink_process

NAME, PHONE, ADDRESS, SCHOOL = "Phạm Thị Hoa", "0905123456", "12 Lê Duẩn", "Trường Tiểu học Hòa Khê"
NOTE, PLACE, DONOR = "cô ấy sống một mình", "Nhà riêng kiệt 45", "Nguyễn Văn Bảo"


@pytest.fixture
def station(ok, tmp_path):
    """A station's file: `station(code)` sets it up with a few records and returns its path."""

    def make(code: str, meals: int = 120) -> Path:
        path = tmp_path / f"{code.lower()}.db"
        ok("station", "set", "--name", f"Công an phường {code}", "--code", code, db=path)
        person = ok(
            "beneficiary",
            "add",
            NAME,
            "--category",
            "orphan",
            "--born",
            "2012",
            "--group",
            "39",
            "--phone",
            PHONE,
            "--address",
            ADDRESS,
            "--school",
            SCHOOL,
            "--note",
            NOTE,
            db=path,
        ).stdout.strip()
        ok("record", "meal", "-n", str(meals), "--date", "2023-03-06", db=path)
        ok(
            "record",
            "cake",
            "-n",
            "2",
            "--to",
            person,
            "--date",
            "2023-02-01",
            "--place",
            PLACE,
            "--note",
            NOTE,
            db=path,
        )
        donor = ok(
            "donor", "add", DONOR, "--type", "individual", "--phone", PHONE, db=path
        ).stdout.strip()
        ok(
            "receive",
            "cash",
            "--count",
            "2.000.000",
            "--from",
            donor,
            "--date",
            "06/03/2023",
            "--note",
            NOTE,
            db=path,
        )
        return path

    return make


def bundle(ok, path: Path, year: int = 2023, name: str | None = None) -> Path:
    output = path.with_name(name or f"{path.stem}-{year}.hlb")
    ok("bundle", str(year), "--output", str(output), "--force", db=path)
    return output


def merge(ok, city: Path, *files: Path, dry_run: bool = False) -> list[dict]:
    extra = ["--dry-run"] if dry_run else []
    result = ok("merge", *map(str, files), *extra, "--format", "json", db=city)
    return result.json()["files"]


def added(done: dict) -> dict:
    return {table: count for table, count in done["added"].items() if count}


def by_station(ok, city: Path, year: int = 2023) -> list[dict]:
    return ok("report", str(year), "--by", "station", "--format", "json", db=city).json()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bundle_carries_codes_categories_and_groups_and_no_personal_data(ok, station, tmp_path):
    tkd = station("TKD")
    hlb = bundle(ok, tkd)
    assert hlb.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(hlb) as archive:
        inner = archive.read("bundle.db")
        assert (
            archive.read("bundle.db.sha256").decode().split()[0]
            == hashlib.sha256(inner).hexdigest()
        )
    for secret in (NAME, PHONE, ADDRESS, SCHOOL, NOTE, PLACE, DONOR):
        assert secret.encode() not in inner, "personal data left the station"
    copy = tmp_path / "inner.db"
    copy.write_bytes(inner)
    conn = sqlite3.connect(copy)
    (code, group, category) = conn.execute(
        "SELECT b.name, b.residential_group, c.category FROM beneficiary b"
        " JOIN beneficiary_category c ON c.beneficiary_id = b.id"
    ).fetchone()
    assert (len(code), group, category) == (8, "tổ 39", "orphan")
    assert conn.execute("SELECT COUNT(*) FROM handout").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM donor").fetchone()[0] == 0
    conn.close()
    # The bundle is a sound heartlink file: its own check passes.
    ok("check", db=copy)


def test_merging_the_same_file_twice_adds_nothing_the_second_time(ok, station, tmp_path):
    city = tmp_path / "city.db"
    hlb = bundle(ok, station("TKD"))
    first = merge(ok, city, hlb)[0]
    assert first["station"] == "TKD"
    assert added(first) == {"handout": 2, "donation": 1, "beneficiary": 1}
    assert added(merge(ok, city, hlb)[0]) == {}
    # A backup of the same station is the same records: nothing new either.
    assert added(merge(ok, city, tmp_path / "tkd.db")[0]) == {}
    rows = by_station(ok, city)
    assert {(row["station"], row["kind"], row["count"]) for row in rows} == {
        ("TKD", "meal", 120),
        ("TKD", "cake", 2),
    }
    ok("check", db=city)


def test_a_newer_file_adds_exactly_what_is_new_with_the_voids_made_since(ok, station, tmp_path):
    city = tmp_path / "city.db"
    tkd = station("TKD")
    old = bundle(ok, tkd, name="old.hlb")
    merge(ok, city, old)
    meal = ok("handout", "list", "--kind", "meal", "--format", "json", db=tkd).json()[0]["code"]
    ok("handout", "void", meal, "--reason", "recorded twice", db=tkd)
    ok("record", "meal", "-n", "30", "--date", "2023-10-02", db=tkd)
    new = bundle(ok, tkd, name="new.hlb")
    preview = merge(ok, city, new, dry_run=True)[0]
    assert added(preview) == {"handout": 1} and preview["voided"]["handout"] == 1
    assert by_station(ok, city)[0]["count"] == 120, "a dry run changed the database"
    done = merge(ok, city, new)[0]
    assert added(done) == {"handout": 1} and done["voided"]["handout"] == 1
    meals = [row for row in by_station(ok, city) if row["kind"] == "meal"]
    assert [(row["count"], row["handouts"]) for row in meals] == [(30, 1)]
    # The older file again, after the newer one: nothing added, the void stays.
    assert added(merge(ok, city, old)[0]) == {}
    assert [row["count"] for row in by_station(ok, city) if row["kind"] == "meal"] == [30]
    voided = ok("handout", "list", "--with-voided", "--format", "json", db=city).json()
    assert sum(row["voided"] for row in voided) == 1
    assert all(row["void_reason"] is None for row in voided), "a void's reason left the station"
    ok("check", db=city)


def test_the_merged_totals_are_the_sum_of_the_stations_reports_kind_by_kind(ok, station, tmp_path):
    city = tmp_path / "city.db"
    tkd, tkt = station("TKD", meals=120), station("TKT", meals=45)
    ok("record", "lemonade", "-n", "300", "--date", "2023-06-01", db=tkt)
    ok("station", "set", "--name", "Công an thành phố", "--code", "CITY", db=city)
    ok("record", "gift", "-n", "4", "--date", "2023-09-01", db=city)
    merge(ok, city, bundle(ok, tkd), tkt)

    def kinds(path: Path, *extra: str) -> dict:
        totals = ok("report", "2023", *extra, "--format", "json", db=path).json()["totals"]
        return {
            row["kind"]: (row["count"], row["handouts"], row["beneficiaries"]) for row in totals
        }

    summed: dict = {}
    for path in (tkd, tkt):
        for kind, figures in kinds(path).items():
            summed[kind] = tuple(
                a + b for a, b in zip(summed.get(kind, (0, 0, 0)), figures, strict=True)
            )
    summed["gift"] = (4, 1, 0)
    assert kinds(city) == summed
    rows = by_station(ok, city)
    assert {row["station"] for row in rows} == {"CITY", "TKD", "TKT"}
    for code, path in (("TKD", tkd), ("TKT", tkt)):
        mine = {
            row["kind"]: (row["count"], row["handouts"], row["beneficiaries"])
            for row in rows
            if row["station"] == code
        }
        assert mine == kinds(path) == kinds(city, "--station", code)
    assert kinds(city, "--station", "CITY") == {"gift": (4, 1, 0)}


def test_report_station_refuses_an_unknown_code_with_1_and_a_malformed_one_with_2(
    ok, run, station, tmp_path
):
    city = tmp_path / "city.db"
    merge(ok, city, bundle(ok, station("TKD")))
    unknown = run("report", "2023", "--station", "XYZ", db=city)
    assert unknown.exit_code == 1 and unknown.stderr.startswith("Error: --station:"), unknown
    for typed in ("", NAME):  # an empty option, a name typed in the wrong place
        result = run("report", "2023", "--station", typed, db=city)
        assert result.exit_code == 2 and result.stderr.startswith("Error: --station:"), result
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Phạm" not in result.stderr and "PHẠM" not in result.stderr


def test_a_record_here_with_other_content_is_a_conflict_and_nothing_is_merged(
    ok, run, station, tmp_path
):
    city = tmp_path / "city.db"
    tkd = station("TKD")
    merge(ok, city, bundle(ok, tkd, name="first.hlb"))
    ok("record", "meal", "-n", "7", "--date", "2023-11-06", db=tkd)
    forged = tmp_path / "forged.db"
    conn = sqlite3.connect(tkd)
    conn.execute("VACUUM INTO ?", (str(forged),))
    conn.close()
    conn = sqlite3.connect(forged)
    (trigger,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'handout_only_voided'"
    ).fetchone()
    conn.execute("DROP TRIGGER handout_only_voided")
    conn.execute("UPDATE handout SET count = 999 WHERE count = 120")
    code = conn.execute("SELECT substr(id, 19) FROM handout WHERE count = 999").fetchone()[0]
    conn.execute(trigger)
    conn.commit()
    conn.close()
    before = digest(city)
    result = run("merge", str(forged), db=city)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: forged.db")
    assert f"handout {code}" in result.stderr and "nothing was merged" in result.stderr
    assert digest(city) == before
    vi = run("--lang", "vi", "merge", str(forged), db=city)
    assert f"(lượt trao {code})" in vi.stderr and "handout" not in vi.stderr, vi.stderr
    assert digest(city) == before
    assert len(ok("handout", "list", "--format", "json", db=city).json()) == 2


def test_a_kind_with_the_same_slug_and_another_unit_is_a_conflict(ok, run, station, tmp_path):
    city = tmp_path / "city.db"
    ok("kind", "add", "rice", "--unit", "bag", "--name-vi", "Gạo", db=city)
    tkd = station("TKD")
    ok("kind", "add", "rice", "--unit", "kg", "--name-vi", "Gạo", db=tkd)
    result = run("merge", str(bundle(ok, tkd)), db=city)
    assert result.exit_code == 1 and "kind rice (another unit)" in result.stderr
    # The same slug and unit is the same kind.
    other = station("TKT")
    ok("kind", "add", "rice", "--unit", "bag", "--name-vi", "Gạo", db=other)
    ok("record", "rice", "-n", "5", "--date", "2023-05-05", db=other)
    merge(ok, city, bundle(ok, other))
    assert [row["count"] for row in by_station(ok, city) if row["kind"] == "rice"] == [5]


def test_a_city_file_records_for_its_own_station_and_never_for_a_merged_one(
    ok, run, station, tmp_path
):
    city = tmp_path / "city.db"
    merge(ok, city, bundle(ok, station("TKD")))
    refused = run("record", "meal", "-n", "3", db=city)
    assert refused.exit_code == 1 and "no station of its own" in refused.stderr
    refused = run("spend", "--amount", "100.000", "-p", "meals", "--for", "gạo", db=city)
    assert refused.exit_code == 1 and "no station of its own" in refused.stderr
    merged = ok("handout", "list", "--format", "json", db=city).json()[0]["code"]
    refused = run("handout", "void", merged, "--reason", "wrong", db=city)
    assert refused.exit_code == 1
    assert f"handout {merged} was merged from station TKD and is read-only" in refused.stderr
    ok("station", "set", "--name", "Công an thành phố", "--code", "CITY", db=city)
    ok("record", "meal", "-n", "3", "--date", "2023-04-04", db=city)
    codes = {row["station"] for row in by_station(ok, city) if row["kind"] == "meal"}
    assert codes == {"CITY", "TKD"}


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("text file", "not a heartlink file at all: give a station's bundle"),
        ("other sqlite", "not a heartlink one"),
        ("newer schema", "newer heartlink"),
        ("damaged", "damaged"),
        ("bundle flipped", "checksum does not match"),
        ("bundle checksum", "checksum does not match"),
        ("itself", "cannot be merged into itself"),
        ("own station", "never into its own"),
        ("no station", "has no station"),
    ],
)
def test_bad_files_are_refused_with_one_line_and_the_database_unchanged(
    ok, run, station, tmp_path, case, says
):
    tkd = station("TKD")
    hlb = bundle(ok, tkd)
    city = tmp_path / "city.db"
    ok("station", "set", "--name", "Công an thành phố", "--code", "CITY", db=city)
    target, given = city, tmp_path / "given.db"
    if case == "text file":
        given.write_text("beneficiaries\n")
    elif case in ("other sqlite", "newer schema"):
        conn = sqlite3.connect(given)
        conn.execute("CREATE TABLE photos (id INTEGER)")
        if case == "newer schema":
            conn.execute("PRAGMA application_id = 1212960331")
            conn.execute("PRAGMA user_version = 99")
        conn.commit()
        conn.close()
    elif case == "damaged":
        conn = sqlite3.connect(tkd)
        conn.execute("VACUUM INTO ?", (str(given),))
        conn.close()
        page = 4096
        flip_byte(given, 3 * page + 10)
        flip_byte(given, 5 * page + 100)
    elif case == "bundle flipped":
        given = tmp_path / "given.hlb"
        data = bytearray(hlb.read_bytes())
        data[len(data) // 3] ^= 0x01
        given.write_bytes(bytes(data))
    elif case == "bundle checksum":
        given = tmp_path / "given.hlb"
        with zipfile.ZipFile(hlb) as source, zipfile.ZipFile(given, "w") as copy:
            copy.writestr("bundle.db", source.read("bundle.db"))
            copy.writestr("bundle.db.sha256", "0" * 64 + "  bundle.db\n")
    elif case == "itself":
        given = city
    elif case == "own station":
        given, target = hlb, tkd
    elif case == "no station":
        ok("record", "meal", "-n", "1", db=given)
    before = digest(target)
    result = run("merge", str(given), db=target)
    assert result.exit_code == 1, result
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result
    assert says in result.stderr
    assert "--db" not in result.stderr, "a file to merge is not the database in use"
    assert "Traceback" not in result.stderr
    assert digest(target) == before


def test_merge_and_bundle_as_real_processes(station, tmp_path, ok):
    tkd = station("TKD")
    hlb = tmp_path / "tkd.hlb"
    made = heartlink_process("--db", str(tkd), "bundle", "2023", "--output", str(hlb))
    assert made.returncode == 0, made.stderr
    city = tmp_path / "city.db"
    merged = heartlink_process("--db", str(city), "merge", str(hlb))
    assert merged.returncode == 0, merged.stderr
    assert "tkd.hlb (station TKD): added 2 handout" in merged.stderr


# Closed years ---------------------------------------------------------------------------


def copy_of(path: Path, name: str) -> Path:
    """Another copy of a station's file (an older backup someone went on recording in)."""
    copy = path.with_name(name)
    conn = sqlite3.connect(path)
    conn.execute("VACUUM INTO ?", (str(copy),))
    conn.close()
    return copy


def test_a_closed_year_merges_and_a_roll_up_says_so(ok, station, tmp_path):
    city = tmp_path / "city.db"
    tkd = station("TKD")
    closed = ok("close", "2023", "--note", NOTE, "--format", "json", db=tkd).json()
    hlb = bundle(ok, tkd)
    assert NOTE.encode() not in zipfile.ZipFile(hlb).read("bundle.db")
    done = merge(ok, city, hlb)[0]
    assert added(done) == {"handout": 2, "donation": 1, "beneficiary": 1, "year_closing": 1}
    assert added(merge(ok, city, hlb)[0]) == {}, "a closing merged twice"
    assert added(merge(ok, city, tkd)[0]) == {}, "the backup's closing is the bundle's"
    shown = ok("report", "2023", "--station", "TKD", "--format", "json", db=city).json()
    assert shown["closed"] == {
        "closed_at": closed["closed_at"],
        "by": "Officer Test",
        "hash": closed["hash"],
        "note": None,
    }
    table = ok("report", "2023", "--by", "station", db=city).stdout
    assert f"Station TKD: Closed on {closed['closed_at'][:10]}" in " ".join(table.split())
    # The roll-up's own year is not the merged station's.
    assert "closed" not in ok("report", "2023", "--format", "json", db=city).json()
    # Its records are reduced: `check` verifies the closing by its figures, not its hash.
    ok("check", db=city)


def test_a_record_or_void_in_a_year_closed_when_merged_is_a_conflict(ok, run, station, tmp_path):
    city = tmp_path / "city.db"
    tkd = station("TKD")
    older = copy_of(tkd, "older.db")
    ok("close", "2023", db=tkd)
    merge(ok, city, bundle(ok, tkd))
    # The older copy never saw the closing: it records and voids in 2023 all the same.
    new = ok("record", "meal", "-n", "9", "--date", "2023-12-04", db=older).stdout.strip()
    cake = ok("handout", "list", "--kind", "cake", "--format", "json", db=older).json()[0]["code"]
    ok("handout", "void", cake, "--reason", "wrong", db=older)
    before = digest(city)
    result = run("merge", str(bundle(ok, older)), db=city)
    assert result.exit_code == 1, result
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: older-2023.hlb")
    assert "2 record(s) or void(s) are dated in a year their station had closed" in result.stderr
    assert f"handout {new[-8:]} (2023)" in result.stderr and f"handout {cake} (2023)" in (
        result.stderr
    )
    assert digest(city) == before
    vi = run("--lang", "vi", "merge", str(bundle(ok, older)), db=city)
    assert f"lượt trao {new[-8:]} (2023)" in vi.stderr and "handout" not in vi.stderr, vi.stderr


def test_a_reopening_in_a_later_file_lifts_the_closed_year(ok, station, tmp_path):
    city = tmp_path / "city.db"
    tkd = station("TKD")
    ok("close", "2023", db=tkd)
    merge(ok, city, bundle(ok, tkd, name="closed.hlb"))
    reason = "đếm nhầm bánh tét của " + NAME
    ok("reopen", "2023", "--reason", reason, db=tkd)
    ok("record", "meal", "-n", "9", "--date", "2023-12-04", db=tkd)
    again = ok("close", "2023", "--format", "json", db=tkd).json()
    hlb = bundle(ok, tkd, name="reopened.hlb")
    assert reason.encode() not in zipfile.ZipFile(hlb).read("bundle.db")
    done = merge(ok, city, hlb)[0]
    assert added(done) == {"handout": 1, "year_closing": 1, "year_reopening": 1}
    shown = ok("report", "2023", "--station", "TKD", "--format", "json", db=city).json()
    assert shown["closed"]["hash"] == again["hash"] and len(shown["reopened"]) == 1
    table = ok("report", "2023", "--station", "TKD", db=city).stdout
    assert "its reason is kept at the station" in " ".join(table.split())
    assert [row["count"] for row in by_station(ok, city) if row["kind"] == "meal"] == [129]
    ok("check", db=city)


def test_check_finds_a_merged_closed_year_whose_records_changed(ok, run, station, tmp_path):
    city = tmp_path / "city.db"
    tkd = station("TKD")
    ok("close", "2023", db=tkd)
    merge(ok, city, bundle(ok, tkd))
    conn = sqlite3.connect(city, isolation_level=None)
    for trigger in ("handout_only_voided", "handout_closed_year_changed"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("UPDATE handout SET voided_at = created_at WHERE count = 120")
    conn.close()
    result = run("check", "--format", "json", db=city)
    assert result.exit_code == 1
    closed = [f for f in result.json()["findings"] if f["kind"] == "closed year"]
    assert [f["target"] for f in closed] == ["2023"], result.json()["findings"]
    assert "(station TKD)" in closed[0]["detail"] and "handouts of meal" in closed[0]["detail"]


def test_a_dry_run_into_a_file_that_does_not_exist_creates_nothing(ok, run, station, tmp_path):
    city = tmp_path / "city.db"
    hlb = bundle(ok, station("TKD"))
    preview = run("merge", str(hlb), "--dry-run", "--format", "json", db=city)
    assert preview.exit_code == 0, preview
    assert added(preview.json()["files"][0]) == {"handout": 2, "donation": 1, "beneficiary": 1}
    assert "nothing is created" in " ".join(preview.stderr.split())
    assert not city.exists(), "a dry run created the database"


def test_a_record_in_a_city_file_names_the_station_it_is_for(ok, station, tmp_path):
    city = tmp_path / "city.db"
    ok("station", "set", "--name", "Công an thành phố", "--code", "CITY", db=city)
    alone = ok("record", "meal", "-n", "3", "--date", "2023-04-04", db=city)
    assert "CITY" not in alone.stderr, "a file of one station names it on every record"
    merge(ok, city, bundle(ok, station("TKD")))
    for args in (
        ("record", "meal", "-n", "3", "--date", "2023-04-04"),
        ("receive", "cash", "--count", "500.000", "--date", "2023-04-04"),
        ("spend", "--amount", "100.000", "-p", "meals", "--for", "gạo", "-d", "2023-04-04"),
    ):
        result = ok(*args, db=city)
        assert result.stderr.startswith("Station CITY (this file's own): "), result.stderr
    shown = ok("record", "meal", "-n", "1", "--date", "2023-04-04", "--format", "json", db=city)
    assert shown.json()["station"] == "CITY"


def test_what_a_merge_added_is_said_in_words_in_both_languages(ok, station, tmp_path):
    tkd = station("TKD")
    hlb = bundle(ok, tkd)
    city = tmp_path / "city.db"
    ok("station", "set", "--name", "Công an thành phố", "--code", "CITY", db=city)
    first = ok("merge", str(hlb), db=city).stderr
    assert "(station TKD): added " in first and " handout(s)" in first, first
    again = ok("--lang", "vi", "merge", str(hlb), db=city).stderr
    assert "(đơn vị TKD): không có gì mới; 0 lượt hủy" in again, again


def test_the_files_merged_before_a_refused_one_are_said(ok, run, station, tmp_path):
    hlb = bundle(ok, station("TKD"))
    city = tmp_path / "city.db"
    ok("station", "set", "--name", "Công an thành phố", "--code", "CITY", db=city)
    bad = tmp_path / "bad.hlb"
    bad.write_text("not a bundle\n")
    result = run("merge", str(hlb), str(bad), db=city)
    assert result.exit_code == 1, result
    lines = result.stderr.strip().splitlines()
    assert "(station TKD): added " in lines[0], result
    assert lines[-1].startswith("Error: bad.hlb:"), result
    assert "(station TKD): nothing new" in ok("merge", str(hlb), db=city).stderr
