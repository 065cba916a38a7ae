"""Numbered schema migrations. Never edit one that has been released: add a new one.

Applied on open by heartlink.db inside its own BEGIN IMMEDIATE transaction (sqlite-utils nests
each migration in a savepoint), recorded in the `_sqlite_migrations` table, and counted in
PRAGMA user_version, which must equal heartlink.db.SCHEMA_VERSION.
"""

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "heartlink"
migrations = Migrations(MIGRATION_SET)


def _run(db: Database, statements: str) -> None:
    # One execute per statement: executescript() would commit the surrounding transaction.
    for statement in statements.split(";\n\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_ledger")
def m0001_ledger(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE programme (
    slug TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE kind (
    slug TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    unit_en TEXT NOT NULL,
    unit_vi TEXT NOT NULL,
    -- Value of one unit in VND, used when a handout is recorded without --value.
    unit_value_vnd INTEGER CHECK (unit_value_vnd >= 0),
    programme TEXT NOT NULL REFERENCES programme(slug),
    created_at TEXT NOT NULL
);

CREATE TABLE category (
    slug TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_vi TEXT NOT NULL
);

CREATE TABLE beneficiary (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    is_household INTEGER NOT NULL DEFAULT 0 CHECK (is_household IN (0, 1)),
    born INTEGER,
    residential_group TEXT,
    address TEXT,
    phone TEXT,
    school TEXT,
    note TEXT,
    consent INTEGER CHECK (consent IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT,
    archived_at TEXT
);

CREATE TABLE beneficiary_category (
    beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id),
    category TEXT NOT NULL REFERENCES category(slug),
    PRIMARY KEY (beneficiary_id, category)
) WITHOUT ROWID;

CREATE INDEX beneficiary_category_by_category ON beneficiary_category(category);

CREATE TABLE handout (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    -- A plain column (held equal to the date's year by the CHECK) rather than a generated one:
    -- SQLite reads an index as covering only when it holds ordinary columns.
    year INTEGER NOT NULL CHECK (year = CAST(substr(date, 1, 4) AS INTEGER)),
    kind TEXT NOT NULL REFERENCES kind(slug),
    programme TEXT NOT NULL REFERENCES programme(slug),
    beneficiary_id TEXT REFERENCES beneficiary(id),
    count INTEGER NOT NULL CHECK (count > 0 AND count <= 1000000000),
    value_vnd INTEGER CHECK (value_vnd >= 0),
    place TEXT,
    note TEXT,
    officer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT
);

-- Covers the yearly totals: one year's rows are read from the index alone, so a report's cost
-- follows the size of that year, not of the whole history.
CREATE INDEX handout_year_totals
    ON handout(year, kind, programme, voided_at, beneficiary_id, count, value_vnd);

CREATE INDEX handout_by_beneficiary ON handout(beneficiary_id, date)
    WHERE beneficiary_id IS NOT NULL;

-- Handouts are never edited or deleted: a mistake is voided once, with a reason.
CREATE TRIGGER handout_never_deleted BEFORE DELETE ON handout
BEGIN
    SELECT RAISE(ABORT, 'handouts are never deleted; void them instead');
END;

CREATE TRIGGER handout_only_voided BEFORE UPDATE ON handout
WHEN OLD.voided_at IS NOT NULL
    OR NEW.voided_at IS NULL
    OR NEW.id IS NOT OLD.id
    OR NEW.date IS NOT OLD.date
    OR NEW.year IS NOT OLD.year
    OR NEW.kind IS NOT OLD.kind
    OR NEW.programme IS NOT OLD.programme
    OR NEW.beneficiary_id IS NOT OLD.beneficiary_id
    OR NEW.count IS NOT OLD.count
    OR NEW.value_vnd IS NOT OLD.value_vnd
    OR NEW.place IS NOT OLD.place
    OR NEW.note IS NOT OLD.note
    OR NEW.officer IS NOT OLD.officer
    OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'handouts are never edited; a handout can only be voided, once');
END
""",
    )


PROGRAMMES = [
    ("meals", "Compassionate meals", "Bữa cơm nhân ái"),
    ("tet-cakes", "Green bánh tét for a warm Tết", "Bánh tét xanh — cho ngày Tết ấm"),
    (
        "school-support",
        "Relay of love, helping children to school",
        "Tiếp sức yêu thương — Nâng bước đến trường",
    ),
    ("godmother", "Godmother sponsorship", "Mẹ đỡ đầu"),
    ("livelihood", "Livelihood support after rehabilitation", "Hỗ trợ sinh kế sau cai"),
    ("exam-prep", "Free exam preparation", "Luyện thi miễn phí"),
    ("lemonade", "Free lemonade", "Nước chanh miễn phí"),
    ("general", "Other support", "Hỗ trợ khác"),
]

# slug, English name, Vietnamese name, unit (en), unit (vi), unit value in VND, programme
KINDS = [
    ("meal", "Meal", "Suất cơm", "portion", "suất", None, "meals"),
    ("cake", "Bánh tét cake", "Bánh tét", "cake", "đòn", None, "tet-cakes"),
    ("voucher", "Shopping voucher", "Phiếu mua hàng", "voucher", "phiếu", None, "tet-cakes"),
    ("lemonade", "Lemonade", "Nước chanh", "cup", "ly", None, "lemonade"),
    ("bicycle", "Bicycle", "Xe đạp", "bicycle", "chiếc", None, "school-support"),
    ("uniform", "School uniform", "Đồng phục", "set", "bộ", None, "school-support"),
    ("school-supplies", "Books and notebooks", "Sách vở", "set", "bộ", None, "school-support"),
    ("cash", "Cash", "Tiền mặt", "VND", "đồng", 1, "godmother"),
    ("livelihood-kit", "Livelihood kit", "Phương tiện sinh kế", "kit", "bộ", None, "livelihood"),
    ("exam-prep", "Exam preparation place", "Suất luyện thi", "place", "suất", None, "exam-prep"),
    ("gift", "Gift", "Quà", "gift", "phần", None, "general"),
]

CATEGORIES = [
    ("poor-household", "Poor household", "Hộ nghèo"),
    ("near-poor-household", "Near-poor household", "Hộ cận nghèo"),
    ("orphan", "Orphan", "Trẻ mồ côi"),
    ("student", "Student in hardship", "Học sinh có hoàn cảnh khó khăn"),
    ("patient", "Hospital patient", "Bệnh nhân"),
    ("after-rehab", "Person after drug rehabilitation", "Người sau cai nghiện"),
    ("elderly", "Elderly person", "Người cao tuổi"),
    ("disabled", "Person with a disability", "Người khuyết tật"),
    ("other", "Other", "Khác"),
]


@migrations(name="0002_default_catalogue")
def m0002_default_catalogue(db: Database) -> None:
    now = "1970-01-01T00:00:00.000Z"  # the defaults predate any station's records
    db.conn.executemany(
        "INSERT INTO programme (slug, name_en, name_vi, created_at) VALUES (?, ?, ?, ?)",
        [(*row, now) for row in PROGRAMMES],
    )
    db.conn.executemany(
        "INSERT INTO kind (slug, name_en, name_vi, unit_en, unit_vi, unit_value_vnd, programme,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(*row, now) for row in KINDS],
    )
    db.conn.executemany(
        "INSERT INTO category (slug, name_en, name_vi) VALUES (?, ?, ?)", CATEGORIES
    )


@migrations(name="0003_audit")
def m0003_audit(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    officer TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    before TEXT,
    after TEXT
);

CREATE INDEX audit_log_by_time ON audit_log(at);

-- History is appended to, never rewritten: a mistake is corrected by a new entry.
CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END;

CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END
""",
    )


@migrations(name="0004_import_keys")
def m0004_import_keys(db: Database) -> None:
    """What `heartlink import` needs to import a file twice without doubling anything."""
    _run(
        db,
        """
-- The stable key of an imported row (see heartlink.importer.row_key); NULL for handouts
-- recorded by hand or imported with their own id.
ALTER TABLE handout ADD COLUMN import_key TEXT;

CREATE UNIQUE INDEX handout_by_import_key ON handout(import_key) WHERE import_key IS NOT NULL;

-- handout_only_voided names the columns of 0001; the key, added later, is held fixed here.
CREATE TRIGGER handout_import_key_fixed BEFORE UPDATE OF import_key ON handout
WHEN NEW.import_key IS NOT OLD.import_key
BEGIN
    SELECT RAISE(ABORT, 'handouts are never edited; a handout can only be voided, once');
END;

-- An imported beneficiary row that carried an id of its own but matched someone already here
-- (same folded name, birth year and group): handouts naming that id reach the person here.
CREATE TABLE beneficiary_alias (
    alias_id TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id)
) WITHOUT ROWID
""",
    )


@migrations(name="0005_beneficiary_codes")
def m0005_beneficiary_codes(db: Database) -> None:
    # A beneficiary named by code (the id's last 8 characters, see heartlink.ids) is found
    # through this index instead of a scan of every beneficiary: an imported sheet that names
    # thousands of people by code no longer costs a scan per person.
    db.execute("CREATE INDEX beneficiary_by_code ON beneficiary(substr(id, 19))")


# Migration 0006 as released, frozen: summaries.py may change its tables and triggers later
# (in a migration of its own), but upgrading a file from before 0006 must give what 0006 gave.
_0006_TABLES = """
CREATE TABLE year_summary (
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    programme TEXT NOT NULL,
    count INTEGER NOT NULL,
    handouts INTEGER NOT NULL,
    anonymous INTEGER NOT NULL,
    value_vnd INTEGER NOT NULL,
    valued INTEGER NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (year, kind, programme)
) WITHOUT ROWID;

CREATE TABLE year_recipients (
    year INTEGER NOT NULL,
    beneficiary_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    programme TEXT NOT NULL,
    handouts INTEGER NOT NULL,
    PRIMARY KEY (year, beneficiary_id, kind, programme)
) WITHOUT ROWID
"""

_0006_ADDED_TRIGGER = """
CREATE TRIGGER handout_summary_added AFTER INSERT ON handout
WHEN NEW.voided_at IS NULL
BEGIN
    INSERT INTO year_summary
        (year, kind, programme, count, handouts, anonymous, value_vnd, valued, people)
    SELECT NEW.year, g.kind, g.programme, NEW.count, 1, NEW.beneficiary_id IS NULL,
           coalesce(NEW.value_vnd, 0), NEW.value_vnd IS NOT NULL,
           NEW.beneficiary_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM year_recipients r
    WHERE r.year = NEW.year AND r.beneficiary_id = NEW.beneficiary_id
      AND g.kind IN ('', r.kind) AND g.programme IN ('', r.programme))
    FROM (SELECT NEW.kind AS kind, NEW.programme AS programme
          UNION ALL SELECT NEW.kind, '' UNION ALL SELECT '', NEW.programme
          UNION ALL SELECT '', '') AS g
    WHERE true
    ON CONFLICT (year, kind, programme) DO UPDATE SET
        count = count + excluded.count,
        handouts = handouts + 1,
        anonymous = anonymous + excluded.anonymous,
        value_vnd = value_vnd + excluded.value_vnd,
        valued = valued + excluded.valued,
        people = people + excluded.people;

    INSERT INTO year_recipients (year, beneficiary_id, kind, programme, handouts)
    SELECT NEW.year, NEW.beneficiary_id, NEW.kind, NEW.programme, 1
    WHERE NEW.beneficiary_id IS NOT NULL
    ON CONFLICT (year, beneficiary_id, kind, programme) DO UPDATE SET handouts = handouts + 1;
END
"""

_0006_VOIDED_TRIGGER = """
CREATE TRIGGER handout_summary_voided AFTER UPDATE OF voided_at ON handout
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    UPDATE year_recipients SET handouts = handouts - 1
    WHERE year = OLD.year AND beneficiary_id = OLD.beneficiary_id
      AND kind = OLD.kind AND programme = OLD.programme;

    DELETE FROM year_recipients
    WHERE year = OLD.year AND beneficiary_id = OLD.beneficiary_id
      AND kind = OLD.kind AND programme = OLD.programme AND handouts <= 0;

    UPDATE year_summary SET
        count = count - OLD.count,
        handouts = handouts - 1,
        anonymous = anonymous - (OLD.beneficiary_id IS NULL),
        value_vnd = value_vnd - coalesce(OLD.value_vnd, 0),
        valued = valued - (OLD.value_vnd IS NOT NULL),
        people = people - (OLD.beneficiary_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM year_recipients r
    WHERE r.year = OLD.year AND r.beneficiary_id = OLD.beneficiary_id
      AND year_summary.kind IN ('', r.kind) AND year_summary.programme IN ('', r.programme)))
    WHERE year = OLD.year AND kind IN (OLD.kind, '') AND programme IN (OLD.programme, '');

    DELETE FROM year_summary
    WHERE year = OLD.year AND kind IN (OLD.kind, '') AND programme IN (OLD.programme, '')
      AND handouts <= 0;
END
"""

# summaries.rebuild() over every year, as it was: the recipients first (people are counted
# from them), then the totals.
_0006_FILL = """
INSERT INTO year_recipients
SELECT year, beneficiary_id, kind, programme, COUNT(*) AS handouts
FROM handout INDEXED BY handout_year_totals
WHERE 1 AND voided_at IS NULL AND beneficiary_id IS NOT NULL
GROUP BY year, beneficiary_id, kind, programme;

INSERT INTO year_summary
WITH totals AS (
    SELECT year, kind, programme, SUM(count) AS count, COUNT(*) AS handouts,
           SUM(beneficiary_id IS NULL) AS anonymous, coalesce(SUM(value_vnd), 0) AS value_vnd,
           COUNT(value_vnd) AS valued
    FROM handout INDEXED BY handout_year_totals
    WHERE 1 AND voided_at IS NULL
    GROUP BY year, kind, programme
), levels AS (
    SELECT * FROM totals
    UNION ALL SELECT year, kind, '', SUM(count) AS count, SUM(handouts) AS handouts,
        SUM(anonymous) AS anonymous, SUM(value_vnd) AS value_vnd, SUM(valued) AS valued
        FROM totals GROUP BY year, kind
    UNION ALL SELECT year, '', programme, SUM(count) AS count, SUM(handouts) AS handouts,
        SUM(anonymous) AS anonymous, SUM(value_vnd) AS value_vnd, SUM(valued) AS valued
        FROM totals GROUP BY year, programme
    UNION ALL SELECT year, '', '', SUM(count) AS count, SUM(handouts) AS handouts,
        SUM(anonymous) AS anonymous, SUM(value_vnd) AS value_vnd, SUM(valued) AS valued
        FROM totals GROUP BY year
), people AS (
    SELECT year, kind, programme, COUNT(*) AS people FROM year_recipients r
    WHERE 1 GROUP BY year, kind, programme
    UNION ALL SELECT year, kind, '', COUNT(DISTINCT beneficiary_id) FROM year_recipients r
    WHERE 1 GROUP BY year, kind
    UNION ALL SELECT year, '', programme, COUNT(DISTINCT beneficiary_id) FROM year_recipients r
    WHERE 1 GROUP BY year, programme
    UNION ALL SELECT year, '', '', COUNT(DISTINCT beneficiary_id) FROM year_recipients r
    WHERE 1 GROUP BY year
)
SELECT l.year, l.kind, l.programme, l.count, l.handouts, l.anonymous, l.value_vnd, l.valued,
       coalesce(p.people, 0) AS people
FROM levels l LEFT JOIN people p USING (year, kind, programme)
"""


@migrations(name="0006_year_summaries")
def m0006_year_summaries(db: Database) -> None:
    # Yearly totals kept by triggers (see heartlink.summaries), so that a report reads a few
    # dozen rows instead of every handout of the year; filled here from the handouts so far.
    _run(db, _0006_TABLES)
    db.execute(_0006_ADDED_TRIGGER)
    db.execute(_0006_VOIDED_TRIGGER)
    _run(db, _0006_FILL)


@migrations(name="0007_audit_chain")
def m0007_audit_chain(db: Database) -> None:
    # The audit log becomes a hash chain and every record is sealed by an entry (see
    # heartlink.audit and heartlink.seals); the records already here are sealed by the
    # baseline, kept in the chain's head. Entries are hashed with audit_log's update trigger
    # dropped for the moment, then the trigger is created again exactly as 0003 made it.
    from heartlink import audit

    _run(
        db,
        """
ALTER TABLE audit_log ADD COLUMN seal TEXT;

ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;

ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- The chain's head: the last entry's id and hash and the number of entries, kept by the
-- trigger below in the same transaction as each entry, and the baseline the chain starts from.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    entry_id INTEGER,
    hash TEXT NOT NULL,
    entries INTEGER NOT NULL,
    baseline TEXT NOT NULL
);

CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_head SET entry_id = NEW.id, hash = NEW.hash, entries = entries + 1;
END;

CREATE TRIGGER audit_head_never_deleted BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END;

DROP TRIGGER audit_log_never_updated
""",
    )
    audit.start_chain(db.conn)
    db.execute(
        """CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END"""
    )


@migrations(name="0008_money_in")
def m0008_money_in(db: Database) -> None:
    """Money and goods coming in, money going out that is not a handout, and stock: donors (a
    register, like beneficiaries), donations and spending (append-only entries, like handouts:
    recorded once, voided once, never edited or deleted), the kinds whose stock is tracked,
    and yearly totals of both kept by triggers so that `funds` and `statement` read a few rows."""
    _run(
        db,
        """
CREATE TABLE donor (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    type TEXT NOT NULL CHECK (type IN ('officer', 'individual', 'organisation', 'business')),
    phone TEXT,
    address TEXT,
    note TEXT,
    -- 1: the donor agreed to be named in public statements; by default they are not.
    public INTEGER NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT,
    archived_at TEXT
);

CREATE INDEX donor_by_code ON donor(substr(id, 19));

-- What came in. Money is the kind `cash`, its count the amount in VND (as for handouts) and
-- value_vnd the same amount; goods are any other kind, valued when known. The programme is
-- the fund the gift is earmarked for, `general` when it is not.
CREATE TABLE donation (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    year INTEGER NOT NULL CHECK (year = CAST(substr(date, 1, 4) AS INTEGER)),
    donor_id TEXT REFERENCES donor(id),
    kind TEXT NOT NULL REFERENCES kind(slug),
    programme TEXT NOT NULL REFERENCES programme(slug),
    count INTEGER NOT NULL CHECK (count > 0 AND count <= 1000000000000),
    value_vnd INTEGER CHECK (value_vnd >= 0 AND value_vnd <= 1000000000000),
    method TEXT NOT NULL CHECK (method IN ('cash', 'bank', 'in-kind')),
    reference TEXT,
    note TEXT,
    officer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    import_key TEXT,
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT
);

CREATE INDEX donation_by_year ON donation(year, date);

CREATE INDEX donation_by_donor ON donation(donor_id, date) WHERE donor_id IS NOT NULL;

CREATE INDEX donation_by_code ON donation(substr(id, 19));

CREATE UNIQUE INDEX donation_by_import_key ON donation(import_key) WHERE import_key IS NOT NULL;

CREATE TRIGGER donation_never_deleted BEFORE DELETE ON donation
BEGIN
    SELECT RAISE(ABORT, 'donations are never deleted; void them instead');
END;

CREATE TRIGGER donation_only_voided BEFORE UPDATE ON donation
WHEN OLD.voided_at IS NOT NULL
    OR NEW.voided_at IS NULL
    OR NEW.id IS NOT OLD.id
    OR NEW.date IS NOT OLD.date
    OR NEW.year IS NOT OLD.year
    OR NEW.donor_id IS NOT OLD.donor_id
    OR NEW.kind IS NOT OLD.kind
    OR NEW.programme IS NOT OLD.programme
    OR NEW.count IS NOT OLD.count
    OR NEW.value_vnd IS NOT OLD.value_vnd
    OR NEW.method IS NOT OLD.method
    OR NEW.reference IS NOT OLD.reference
    OR NEW.note IS NOT OLD.note
    OR NEW.officer IS NOT OLD.officer
    OR NEW.created_at IS NOT OLD.created_at
    OR NEW.import_key IS NOT OLD.import_key
BEGIN
    SELECT RAISE(ABORT, 'donations are never edited; a donation can only be voided, once');
END;

-- Money paid out of a fund that is not a handout to a person (ingredients for the meals,
-- cakes bought from a bakery). With buys_kind, the goods bought go into stock.
CREATE TABLE spending (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    year INTEGER NOT NULL CHECK (year = CAST(substr(date, 1, 4) AS INTEGER)),
    programme TEXT NOT NULL REFERENCES programme(slug),
    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0 AND amount_vnd <= 1000000000000),
    purpose TEXT NOT NULL CHECK (length(trim(purpose)) > 0),
    buys_kind TEXT REFERENCES kind(slug),
    quantity INTEGER CHECK (quantity > 0 AND quantity <= 1000000000),
    reference TEXT,
    note TEXT,
    officer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    import_key TEXT,
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT,
    CHECK ((buys_kind IS NULL) = (quantity IS NULL))
);

CREATE INDEX spending_by_year ON spending(year, date);

CREATE INDEX spending_by_code ON spending(substr(id, 19));

CREATE UNIQUE INDEX spending_by_import_key ON spending(import_key) WHERE import_key IS NOT NULL;

CREATE TRIGGER spending_never_deleted BEFORE DELETE ON spending
BEGIN
    SELECT RAISE(ABORT, 'spending is never deleted; void it instead');
END;

CREATE TRIGGER spending_only_voided BEFORE UPDATE ON spending
WHEN OLD.voided_at IS NOT NULL
    OR NEW.voided_at IS NULL
    OR NEW.id IS NOT OLD.id
    OR NEW.date IS NOT OLD.date
    OR NEW.year IS NOT OLD.year
    OR NEW.programme IS NOT OLD.programme
    OR NEW.amount_vnd IS NOT OLD.amount_vnd
    OR NEW.purpose IS NOT OLD.purpose
    OR NEW.buys_kind IS NOT OLD.buys_kind
    OR NEW.quantity IS NOT OLD.quantity
    OR NEW.reference IS NOT OLD.reference
    OR NEW.note IS NOT OLD.note
    OR NEW.officer IS NOT OLD.officer
    OR NEW.created_at IS NOT OLD.created_at
    OR NEW.import_key IS NOT OLD.import_key
BEGIN
    SELECT RAISE(ABORT, 'spending is never edited; a spending line can only be voided, once');
END;

-- The kinds whose stock is counted (received in kind + bought - handed out): a row per kind
-- ever tracked, `tracked` 0 once it no longer is (rows are changed, never deleted, so that
-- each change is sealed by its audit entry).
CREATE TABLE stock_kind (
    kind TEXT PRIMARY KEY REFERENCES kind(slug),
    tracked INTEGER NOT NULL CHECK (tracked IN (0, 1)),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) WITHOUT ROWID;

-- Yearly totals of what counts (voided entries left out), kept by the triggers below.
CREATE TABLE donation_year (
    year INTEGER NOT NULL,
    programme TEXT NOT NULL,
    kind TEXT NOT NULL,
    donations INTEGER NOT NULL,
    count INTEGER NOT NULL,
    value_vnd INTEGER NOT NULL,
    valued INTEGER NOT NULL,
    PRIMARY KEY (year, programme, kind)
) WITHOUT ROWID;

CREATE TABLE spending_year (
    year INTEGER NOT NULL,
    programme TEXT NOT NULL,
    buys_kind TEXT NOT NULL,  -- '' for spending that buys nothing kept in stock
    lines INTEGER NOT NULL,
    amount_vnd INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    PRIMARY KEY (year, programme, buys_kind)
) WITHOUT ROWID;

CREATE TRIGGER donation_summary_added AFTER INSERT ON donation
WHEN NEW.voided_at IS NULL
BEGIN
    INSERT INTO donation_year (year, programme, kind, donations, count, value_vnd, valued)
    VALUES (NEW.year, NEW.programme, NEW.kind, 1, NEW.count, coalesce(NEW.value_vnd, 0),
            NEW.value_vnd IS NOT NULL)
    ON CONFLICT (year, programme, kind) DO UPDATE SET
        donations = donations + 1,
        count = count + excluded.count,
        value_vnd = value_vnd + excluded.value_vnd,
        valued = valued + excluded.valued;
END;

CREATE TRIGGER donation_summary_voided AFTER UPDATE OF voided_at ON donation
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    UPDATE donation_year SET
        donations = donations - 1,
        count = count - OLD.count,
        value_vnd = value_vnd - coalesce(OLD.value_vnd, 0),
        valued = valued - (OLD.value_vnd IS NOT NULL)
    WHERE year = OLD.year AND programme = OLD.programme AND kind = OLD.kind;
    DELETE FROM donation_year
    WHERE year = OLD.year AND programme = OLD.programme AND kind = OLD.kind AND donations <= 0;
END;

CREATE TRIGGER spending_summary_added AFTER INSERT ON spending
WHEN NEW.voided_at IS NULL
BEGIN
    INSERT INTO spending_year (year, programme, buys_kind, lines, amount_vnd, quantity)
    VALUES (NEW.year, NEW.programme, coalesce(NEW.buys_kind, ''), 1, NEW.amount_vnd,
            coalesce(NEW.quantity, 0))
    ON CONFLICT (year, programme, buys_kind) DO UPDATE SET
        lines = lines + 1,
        amount_vnd = amount_vnd + excluded.amount_vnd,
        quantity = quantity + excluded.quantity;
END;

CREATE TRIGGER spending_summary_voided AFTER UPDATE OF voided_at ON spending
WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL
BEGIN
    UPDATE spending_year SET
        lines = lines - 1,
        amount_vnd = amount_vnd - OLD.amount_vnd,
        quantity = quantity - coalesce(OLD.quantity, 0)
    WHERE year = OLD.year AND programme = OLD.programme
      AND buys_kind = coalesce(OLD.buys_kind, '');
    DELETE FROM spending_year
    WHERE year = OLD.year AND programme = OLD.programme
      AND buys_kind = coalesce(OLD.buys_kind, '') AND lines <= 0;
END
""",
    )


@migrations(name="0009_station")
def m0009_station(db: Database) -> None:
    """The station whose file this is (name, code, place, head, and a random id that keeps two
    stations apart when they chose the same code), and, in a file that gathers several stations'
    work, the others it holds. One row is the file's own station (is_own = 1), at most one."""
    _run(
        db,
        """
CREATE TABLE station (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    place TEXT,
    head TEXT,
    is_own INTEGER NOT NULL DEFAULT 0 CHECK (is_own IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT
);

CREATE UNIQUE INDEX station_own ON station(is_own) WHERE is_own = 1
""",
    )


@migrations(name="0010_sponsorships")
def m0010_sponsorships(db: Database) -> None:
    """Sponsorships (the godmother programme): a commitment to pay a beneficiary an amount per
    month, quarter or year, from the station's funds or passed on from a donor. All three tables
    are append-only: a change of amount and an end are rows of sponsorship_change, and a payment
    is linked to its sponsorship by a row of sponsorship_payment written in the payment's own
    transaction (a voided payment stops counting because its void exists)."""
    _run(
        db,
        """
CREATE TABLE sponsorship (
    id TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id),
    donor_id TEXT REFERENCES donor(id),  -- NULL: the station itself is the sponsor
    programme TEXT NOT NULL REFERENCES programme(slug),
    amount_vnd INTEGER NOT NULL CHECK (amount_vnd > 0 AND amount_vnd <= 1000000000000),
    per TEXT NOT NULL CHECK (per IN ('month', 'quarter', 'year')),
    pay_out TEXT NOT NULL CHECK (pay_out IN ('monthly', 'quarterly', 'yearly')),
    start_month TEXT NOT NULL CHECK (start_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    -- The last month covered; NULL: until ended.
    end_month TEXT CHECK (end_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    note TEXT,
    officer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (end_month IS NULL OR end_month >= start_month)
);

CREATE INDEX sponsorship_by_beneficiary ON sponsorship(beneficiary_id);

CREATE INDEX sponsorship_by_code ON sponsorship(substr(id, 19));

-- A new amount from a date on (what fell due before stays as it was), or the end: the
-- instalments due after end_date are cancelled.
CREATE TABLE sponsorship_change (
    id TEXT PRIMARY KEY,
    sponsorship_id TEXT NOT NULL REFERENCES sponsorship(id),
    change TEXT NOT NULL CHECK (change IN ('amount', 'end')),
    from_date TEXT CHECK (from_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    amount_vnd INTEGER CHECK (amount_vnd > 0 AND amount_vnd <= 1000000000000),
    end_date TEXT CHECK (end_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    reason TEXT,
    officer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK (CASE change
        WHEN 'amount' THEN from_date IS NOT NULL AND amount_vnd IS NOT NULL AND end_date IS NULL
        ELSE end_date IS NOT NULL AND reason IS NOT NULL AND from_date IS NULL
            AND amount_vnd IS NULL END)
);

CREATE INDEX sponsorship_change_by_sponsorship ON sponsorship_change(sponsorship_id);

-- A cash handout paid out on a sponsorship, or a cash donation received for it. advance_vnd:
-- the part of a pay-out the station advanced beyond what the donor's payments held.
CREATE TABLE sponsorship_payment (
    entry_id TEXT PRIMARY KEY,
    handout_id TEXT UNIQUE REFERENCES handout(id),
    donation_id TEXT UNIQUE REFERENCES donation(id),
    sponsorship_id TEXT NOT NULL REFERENCES sponsorship(id),
    advance_vnd INTEGER NOT NULL DEFAULT 0 CHECK (advance_vnd >= 0),
    officer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((handout_id IS NULL) != (donation_id IS NULL)),
    CHECK (entry_id = coalesce(handout_id, donation_id)),
    CHECK (advance_vnd = 0 OR handout_id IS NOT NULL)
);

CREATE INDEX sponsorship_payment_by_sponsorship ON sponsorship_payment(sponsorship_id);

CREATE TRIGGER sponsorship_never_changed BEFORE UPDATE ON sponsorship
BEGIN
    SELECT RAISE(ABORT, 'sponsorships are never edited; change or end them instead');
END;

CREATE TRIGGER sponsorship_never_deleted BEFORE DELETE ON sponsorship
BEGIN
    SELECT RAISE(ABORT, 'sponsorships are never deleted; end them instead');
END;

CREATE TRIGGER sponsorship_change_never_changed BEFORE UPDATE ON sponsorship_change
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship change is never edited; record a new one instead');
END;

CREATE TRIGGER sponsorship_change_never_deleted BEFORE DELETE ON sponsorship_change
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship change is never deleted; record a new one instead');
END;

CREATE TRIGGER sponsorship_payment_never_changed BEFORE UPDATE ON sponsorship_payment
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship payment is never edited; void the payment instead');
END;

CREATE TRIGGER sponsorship_payment_never_deleted BEFORE DELETE ON sponsorship_payment
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship payment is never deleted; void the payment instead');
END
""",
    )


@migrations(name="0011_name_sort")
def m0011_name_sort(db: Database) -> None:
    """People in the order of a Vietnamese list (heartlink.name_order): a key per name, kept by
    the register on every add, edit and import, and indexed, so that a list sorted by name is
    an index walk. Filled here with version 1 of the key, frozen: a later version of the key
    comes with a migration of its own that recomputes every key."""
    from heartlink import name_order

    for table in ("beneficiary", "donor"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN name_sort_key TEXT")
        keys = [
            (name_order.sort_key_v1(name), record_id)
            for record_id, name in db.execute(f"SELECT id, name FROM {table}").fetchall()
        ]
        db.conn.executemany(f"UPDATE {table} SET name_sort_key = ? WHERE id = ?", keys)
        # Built after the keys are in: one sort instead of an index update per row.
        db.execute(f"CREATE INDEX {table}_by_name_order ON {table}(name_sort_key, id)")


# While a year of the file's own station is closed, its entries can be neither added nor voided.
_CLOSED_YEAR_TRIGGERS = """
CREATE TRIGGER {table}_closed_year_added BEFORE INSERT ON {table}
WHEN EXISTS (SELECT 1 FROM closed_year c JOIN station s ON s.id = c.station_id AND s.is_own = 1
             WHERE c.year = NEW.year)
BEGIN
    SELECT RAISE(ABORT, '{noun} dated in a closed year cannot be added or voided');
END;

CREATE TRIGGER {table}_closed_year_changed BEFORE UPDATE ON {table}
WHEN EXISTS (SELECT 1 FROM closed_year c JOIN station s ON s.id = c.station_id AND s.is_own = 1
             WHERE c.year IN (OLD.year, NEW.year))
BEGIN
    SELECT RAISE(ABORT, '{noun} dated in a closed year cannot be added or voided');
END
"""


@migrations(name="0012_closed_years")
def m0012_closed_years(db: Database) -> None:
    """Closing a year (see heartlink.closing): a closing records the year's totals, a hash of its
    records and the audit chain's head, for one station; a reopening undoes one closing, with
    its reason. Both are appended, never changed or deleted. While a year of the file's own
    station is closed, its handouts, donations and spending can be neither added nor voided
    (the triggers below, so that no path forgets)."""
    _run(
        db,
        """
CREATE TABLE year_closing (
    id TEXT PRIMARY KEY,
    station_id TEXT NOT NULL REFERENCES station(id),
    year INTEGER NOT NULL,
    closed_at TEXT NOT NULL,
    officer TEXT NOT NULL,
    note TEXT,
    -- SHA-256 of the year's records in heartlink.closing's canonical form.
    hash TEXT NOT NULL CHECK (length(hash) = 64),
    -- How many records of each table the hash covers, and the year's totals (JSON).
    records TEXT NOT NULL,
    totals TEXT NOT NULL,
    -- The audit chain's head when the year was closed (before the closing's own entry).
    chain_entry INTEGER,
    chain_hash TEXT NOT NULL
);

CREATE INDEX year_closing_by_year ON year_closing(year, station_id);

CREATE TABLE year_reopening (
    id TEXT PRIMARY KEY,
    -- A closing is reopened at most once; closing the year again is a new closing.
    closing_id TEXT NOT NULL UNIQUE REFERENCES year_closing(id),
    reopened_at TEXT NOT NULL,
    officer TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);

-- The years closed now: each closing not reopened.
CREATE VIEW closed_year AS
SELECT c.station_id, c.year, c.id AS closing_id FROM year_closing c
WHERE NOT EXISTS (SELECT 1 FROM year_reopening r WHERE r.closing_id = c.id);

CREATE TRIGGER year_closing_never_updated BEFORE UPDATE ON year_closing
BEGIN
    SELECT RAISE(ABORT, 'a closing is never changed; reopen the year instead');
END;

CREATE TRIGGER year_closing_never_deleted BEFORE DELETE ON year_closing
BEGIN
    SELECT RAISE(ABORT, 'a closing is never changed; reopen the year instead');
END;

CREATE TRIGGER year_reopening_never_updated BEFORE UPDATE ON year_reopening
BEGIN
    SELECT RAISE(ABORT, 'a reopening is never changed; close the year again instead');
END;

CREATE TRIGGER year_reopening_never_deleted BEFORE DELETE ON year_reopening
BEGIN
    SELECT RAISE(ABORT, 'a reopening is never changed; close the year again instead');
END
""",
    )
    for table, noun in (
        ("handout", "a handout"),
        ("donation", "a donation"),
        ("spending", "a spending line"),
    ):
        _run(db, _CLOSED_YEAR_TRIGGERS.format(table=table, noun=noun))


# A merged station's entries and beneficiaries carry its id; the file's own have NULL, so that
# `record` writes what it always has. Held fixed like the columns of 0001 and 0004.
_STATION_FIXED = """
CREATE TRIGGER {table}_station_fixed BEFORE UPDATE OF station_id ON {table}
WHEN NEW.station_id IS NOT OLD.station_id
BEGIN
    SELECT RAISE(ABORT, 'a record keeps the station it was recorded at');
END"""


# 0012's refusal of entries dated in a closed year, now per station: a closed year is closed
# for its own station's records (station_id NULL is the file's own station), so a roll-up
# takes a merged station's records of a year the roll-up's own station has closed.
_OWN_STATION = "(SELECT id FROM station WHERE is_own = 1)"
_CLOSED_YEAR_BY_STATION = f"""
DROP TRIGGER {{table}}_closed_year_added;

DROP TRIGGER {{table}}_closed_year_changed;

CREATE TRIGGER {{table}}_closed_year_added BEFORE INSERT ON {{table}}
WHEN EXISTS (SELECT 1 FROM closed_year c WHERE c.year = NEW.year
             AND c.station_id = coalesce(NEW.station_id, {_OWN_STATION}))
BEGIN
    SELECT RAISE(ABORT, '{{noun}} dated in a closed year cannot be added or voided');
END;

CREATE TRIGGER {{table}}_closed_year_changed BEFORE UPDATE ON {{table}}
WHEN EXISTS (SELECT 1 FROM closed_year c
             WHERE (c.year = OLD.year AND c.station_id = coalesce(OLD.station_id, {_OWN_STATION}))
                OR (c.year = NEW.year AND c.station_id = coalesce(NEW.station_id, {_OWN_STATION})))
BEGIN
    SELECT RAISE(ABORT, '{{noun}} dated in a closed year cannot be added or voided');
END
"""


@migrations(name="0013_merged_stations")
def m0013_merged_stations(db: Database) -> None:
    """Several stations' work in one file (see heartlink.merging): the station each merged
    record belongs to, an index per station and year for the merge and the per-station views,
    and the merged stations' yearly totals (kept by the merge, which is the only writer of a
    merged station's records)."""
    for table in ("handout", "donation", "spending", "beneficiary"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN station_id TEXT")
        db.execute(_STATION_FIXED.format(table=table))
    _run(
        db,
        """
-- Partial: the file's own handouts (station_id NULL) are not in it, so `record` pays nothing.
CREATE INDEX handout_by_station
    ON handout(station_id, year, kind, programme, voided_at, beneficiary_id, count, value_vnd)
    WHERE station_id IS NOT NULL;

CREATE INDEX beneficiary_by_station ON beneficiary(station_id) WHERE station_id IS NOT NULL;

-- year_summary's figures and levels, per merged station (the file's own station is the
-- year's totals less these).
CREATE TABLE station_year (
    station_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    programme TEXT NOT NULL,
    count INTEGER NOT NULL,
    handouts INTEGER NOT NULL,
    anonymous INTEGER NOT NULL,
    value_vnd INTEGER NOT NULL,
    valued INTEGER NOT NULL,
    people INTEGER NOT NULL,
    PRIMARY KEY (year, station_id, kind, programme)
) WITHOUT ROWID
""",
    )
    for table, noun in (
        ("handout", "a handout"),
        ("donation", "a donation"),
        ("spending", "a spending line"),
    ):
        _run(db, _CLOSED_YEAR_BY_STATION.format(table=table, noun=noun))


def apply(conn: sqlite3.Connection) -> None:
    """Apply every pending migration on conn, which must already be inside a transaction."""
    migrations.apply(Database(conn, recursive_triggers=False, execute_plugins=False))
