-- table audit_head on audit_head
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    entry_id INTEGER,
    hash TEXT NOT NULL,
    entries INTEGER NOT NULL,
    baseline TEXT NOT NULL
);

-- table audit_log on audit_log
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    officer TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    before TEXT,
    after TEXT
, seal TEXT, prev_hash TEXT, hash TEXT);

-- table beneficiary on beneficiary
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
, name_sort_key TEXT, station_id TEXT);

-- table beneficiary_alias on beneficiary_alias
CREATE TABLE beneficiary_alias (
    alias_id TEXT PRIMARY KEY,
    beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id)
) WITHOUT ROWID
;

-- table beneficiary_category on beneficiary_category
CREATE TABLE beneficiary_category (
    beneficiary_id TEXT NOT NULL REFERENCES beneficiary(id),
    category TEXT NOT NULL REFERENCES category(slug),
    PRIMARY KEY (beneficiary_id, category)
) WITHOUT ROWID;

-- table category on category
CREATE TABLE category (
    slug TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_vi TEXT NOT NULL
);

-- view closed_year on closed_year
CREATE VIEW closed_year AS
SELECT c.station_id, c.year, c.id AS closing_id FROM year_closing c
WHERE NOT EXISTS (SELECT 1 FROM year_reopening r WHERE r.closing_id = c.id);

-- table donation on donation
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
, station_id TEXT);

-- table donation_year on donation_year
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

-- table donor on donor
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
, name_sort_key TEXT);

-- table handout on handout
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
, import_key TEXT, station_id TEXT);

-- table kind on kind
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

-- table programme on programme
CREATE TABLE programme (
    slug TEXT PRIMARY KEY,
    name_en TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- table spending on spending
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
    void_reason TEXT, station_id TEXT,
    CHECK ((buys_kind IS NULL) = (quantity IS NULL))
);

-- table spending_year on spending_year
CREATE TABLE spending_year (
    year INTEGER NOT NULL,
    programme TEXT NOT NULL,
    buys_kind TEXT NOT NULL,  -- '' for spending that buys nothing kept in stock
    lines INTEGER NOT NULL,
    amount_vnd INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    PRIMARY KEY (year, programme, buys_kind)
) WITHOUT ROWID;

-- table sponsorship on sponsorship
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

-- table sponsorship_change on sponsorship_change
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

-- table sponsorship_payment on sponsorship_payment
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

-- table station on station
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

-- table station_year on station_year
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
;

-- table stock_kind on stock_kind
CREATE TABLE stock_kind (
    kind TEXT PRIMARY KEY REFERENCES kind(slug),
    tracked INTEGER NOT NULL CHECK (tracked IN (0, 1)),
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) WITHOUT ROWID;

-- table year_closing on year_closing
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

-- table year_recipients on year_recipients
CREATE TABLE year_recipients (
    year INTEGER NOT NULL,
    beneficiary_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    programme TEXT NOT NULL,
    handouts INTEGER NOT NULL,
    PRIMARY KEY (year, beneficiary_id, kind, programme)
) WITHOUT ROWID
;

-- table year_reopening on year_reopening
CREATE TABLE year_reopening (
    id TEXT PRIMARY KEY,
    -- A closing is reopened at most once; closing the year again is a new closing.
    closing_id TEXT NOT NULL UNIQUE REFERENCES year_closing(id),
    reopened_at TEXT NOT NULL,
    officer TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (length(trim(reason)) > 0)
);

-- table year_summary on year_summary
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

-- index idx__sqlite_migrations_migration_set_name on _sqlite_migrations
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

-- index audit_log_by_time on audit_log
CREATE INDEX audit_log_by_time ON audit_log(at);

-- index beneficiary_by_code on beneficiary
CREATE INDEX beneficiary_by_code ON beneficiary(substr(id, 19));

-- index beneficiary_by_name_order on beneficiary
CREATE INDEX beneficiary_by_name_order ON beneficiary(name_sort_key, id);

-- index beneficiary_by_station on beneficiary
CREATE INDEX beneficiary_by_station ON beneficiary(station_id) WHERE station_id IS NOT NULL;

-- index beneficiary_category_by_category on beneficiary_category
CREATE INDEX beneficiary_category_by_category ON beneficiary_category(category);

-- index donation_by_code on donation
CREATE INDEX donation_by_code ON donation(substr(id, 19));

-- index donation_by_donor on donation
CREATE INDEX donation_by_donor ON donation(donor_id, date) WHERE donor_id IS NOT NULL;

-- index donation_by_import_key on donation
CREATE UNIQUE INDEX donation_by_import_key ON donation(import_key) WHERE import_key IS NOT NULL;

-- index donation_by_year on donation
CREATE INDEX donation_by_year ON donation(year, date);

-- index donor_by_code on donor
CREATE INDEX donor_by_code ON donor(substr(id, 19));

-- index donor_by_name_order on donor
CREATE INDEX donor_by_name_order ON donor(name_sort_key, id);

-- index handout_by_beneficiary on handout
CREATE INDEX handout_by_beneficiary ON handout(beneficiary_id, date)
    WHERE beneficiary_id IS NOT NULL;

-- index handout_by_import_key on handout
CREATE UNIQUE INDEX handout_by_import_key ON handout(import_key) WHERE import_key IS NOT NULL;

-- index handout_by_station on handout
CREATE INDEX handout_by_station
    ON handout(station_id, year, kind, programme, voided_at, beneficiary_id, count, value_vnd)
    WHERE station_id IS NOT NULL;

-- index handout_year_totals on handout
CREATE INDEX handout_year_totals
    ON handout(year, kind, programme, voided_at, beneficiary_id, count, value_vnd);

-- index spending_by_code on spending
CREATE INDEX spending_by_code ON spending(substr(id, 19));

-- index spending_by_import_key on spending
CREATE UNIQUE INDEX spending_by_import_key ON spending(import_key) WHERE import_key IS NOT NULL;

-- index spending_by_year on spending
CREATE INDEX spending_by_year ON spending(year, date);

-- index sponsorship_by_beneficiary on sponsorship
CREATE INDEX sponsorship_by_beneficiary ON sponsorship(beneficiary_id);

-- index sponsorship_by_code on sponsorship
CREATE INDEX sponsorship_by_code ON sponsorship(substr(id, 19));

-- index sponsorship_change_by_sponsorship on sponsorship_change
CREATE INDEX sponsorship_change_by_sponsorship ON sponsorship_change(sponsorship_id);

-- index sponsorship_payment_by_sponsorship on sponsorship_payment
CREATE INDEX sponsorship_payment_by_sponsorship ON sponsorship_payment(sponsorship_id);

-- index station_own on station
CREATE UNIQUE INDEX station_own ON station(is_own) WHERE is_own = 1
;

-- index year_closing_by_year on year_closing
CREATE INDEX year_closing_by_year ON year_closing(year, station_id);

-- trigger audit_head_never_deleted on audit_head
CREATE TRIGGER audit_head_never_deleted BEFORE DELETE ON audit_head
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END;

-- trigger audit_head_follows on audit_log
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_head SET entry_id = NEW.id, hash = NEW.hash, entries = entries + 1;
END;

-- trigger audit_log_never_deleted on audit_log
CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END;

-- trigger audit_log_never_updated on audit_log
CREATE TRIGGER audit_log_never_updated BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is never changed; append a new entry instead');
END;

-- trigger beneficiary_station_fixed on beneficiary
CREATE TRIGGER beneficiary_station_fixed BEFORE UPDATE OF station_id ON beneficiary
WHEN NEW.station_id IS NOT OLD.station_id
BEGIN
    SELECT RAISE(ABORT, 'a record keeps the station it was recorded at');
END;

-- trigger donation_closed_year_added on donation
CREATE TRIGGER donation_closed_year_added BEFORE INSERT ON donation
WHEN EXISTS (SELECT 1 FROM closed_year c WHERE c.year = NEW.year
             AND c.station_id = coalesce(NEW.station_id, (SELECT id FROM station WHERE is_own = 1)))
BEGIN
    SELECT RAISE(ABORT, 'a donation dated in a closed year cannot be added or voided');
END;

-- trigger donation_closed_year_changed on donation
CREATE TRIGGER donation_closed_year_changed BEFORE UPDATE ON donation
WHEN EXISTS (SELECT 1 FROM closed_year c
             WHERE (c.year = OLD.year AND c.station_id = coalesce(OLD.station_id, (SELECT id FROM station WHERE is_own = 1)))
                OR (c.year = NEW.year AND c.station_id = coalesce(NEW.station_id, (SELECT id FROM station WHERE is_own = 1))))
BEGIN
    SELECT RAISE(ABORT, 'a donation dated in a closed year cannot be added or voided');
END;

-- trigger donation_never_deleted on donation
CREATE TRIGGER donation_never_deleted BEFORE DELETE ON donation
BEGIN
    SELECT RAISE(ABORT, 'donations are never deleted; void them instead');
END;

-- trigger donation_only_voided on donation
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

-- trigger donation_station_fixed on donation
CREATE TRIGGER donation_station_fixed BEFORE UPDATE OF station_id ON donation
WHEN NEW.station_id IS NOT OLD.station_id
BEGIN
    SELECT RAISE(ABORT, 'a record keeps the station it was recorded at');
END;

-- trigger donation_summary_added on donation
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

-- trigger donation_summary_voided on donation
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

-- trigger handout_closed_year_added on handout
CREATE TRIGGER handout_closed_year_added BEFORE INSERT ON handout
WHEN EXISTS (SELECT 1 FROM closed_year c WHERE c.year = NEW.year
             AND c.station_id = coalesce(NEW.station_id, (SELECT id FROM station WHERE is_own = 1)))
BEGIN
    SELECT RAISE(ABORT, 'a handout dated in a closed year cannot be added or voided');
END;

-- trigger handout_closed_year_changed on handout
CREATE TRIGGER handout_closed_year_changed BEFORE UPDATE ON handout
WHEN EXISTS (SELECT 1 FROM closed_year c
             WHERE (c.year = OLD.year AND c.station_id = coalesce(OLD.station_id, (SELECT id FROM station WHERE is_own = 1)))
                OR (c.year = NEW.year AND c.station_id = coalesce(NEW.station_id, (SELECT id FROM station WHERE is_own = 1))))
BEGIN
    SELECT RAISE(ABORT, 'a handout dated in a closed year cannot be added or voided');
END;

-- trigger handout_import_key_fixed on handout
CREATE TRIGGER handout_import_key_fixed BEFORE UPDATE OF import_key ON handout
WHEN NEW.import_key IS NOT OLD.import_key
BEGIN
    SELECT RAISE(ABORT, 'handouts are never edited; a handout can only be voided, once');
END;

-- trigger handout_never_deleted on handout
CREATE TRIGGER handout_never_deleted BEFORE DELETE ON handout
BEGIN
    SELECT RAISE(ABORT, 'handouts are never deleted; void them instead');
END;

-- trigger handout_only_voided on handout
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
END;

-- trigger handout_station_fixed on handout
CREATE TRIGGER handout_station_fixed BEFORE UPDATE OF station_id ON handout
WHEN NEW.station_id IS NOT OLD.station_id
BEGIN
    SELECT RAISE(ABORT, 'a record keeps the station it was recorded at');
END;

-- trigger handout_summary_added on handout
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
END;

-- trigger handout_summary_voided on handout
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
END;

-- trigger spending_closed_year_added on spending
CREATE TRIGGER spending_closed_year_added BEFORE INSERT ON spending
WHEN EXISTS (SELECT 1 FROM closed_year c WHERE c.year = NEW.year
             AND c.station_id = coalesce(NEW.station_id, (SELECT id FROM station WHERE is_own = 1)))
BEGIN
    SELECT RAISE(ABORT, 'a spending line dated in a closed year cannot be added or voided');
END;

-- trigger spending_closed_year_changed on spending
CREATE TRIGGER spending_closed_year_changed BEFORE UPDATE ON spending
WHEN EXISTS (SELECT 1 FROM closed_year c
             WHERE (c.year = OLD.year AND c.station_id = coalesce(OLD.station_id, (SELECT id FROM station WHERE is_own = 1)))
                OR (c.year = NEW.year AND c.station_id = coalesce(NEW.station_id, (SELECT id FROM station WHERE is_own = 1))))
BEGIN
    SELECT RAISE(ABORT, 'a spending line dated in a closed year cannot be added or voided');
END;

-- trigger spending_never_deleted on spending
CREATE TRIGGER spending_never_deleted BEFORE DELETE ON spending
BEGIN
    SELECT RAISE(ABORT, 'spending is never deleted; void it instead');
END;

-- trigger spending_only_voided on spending
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

-- trigger spending_station_fixed on spending
CREATE TRIGGER spending_station_fixed BEFORE UPDATE OF station_id ON spending
WHEN NEW.station_id IS NOT OLD.station_id
BEGIN
    SELECT RAISE(ABORT, 'a record keeps the station it was recorded at');
END;

-- trigger spending_summary_added on spending
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

-- trigger spending_summary_voided on spending
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
END;

-- trigger sponsorship_never_changed on sponsorship
CREATE TRIGGER sponsorship_never_changed BEFORE UPDATE ON sponsorship
BEGIN
    SELECT RAISE(ABORT, 'sponsorships are never edited; change or end them instead');
END;

-- trigger sponsorship_never_deleted on sponsorship
CREATE TRIGGER sponsorship_never_deleted BEFORE DELETE ON sponsorship
BEGIN
    SELECT RAISE(ABORT, 'sponsorships are never deleted; end them instead');
END;

-- trigger sponsorship_change_never_changed on sponsorship_change
CREATE TRIGGER sponsorship_change_never_changed BEFORE UPDATE ON sponsorship_change
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship change is never edited; record a new one instead');
END;

-- trigger sponsorship_change_never_deleted on sponsorship_change
CREATE TRIGGER sponsorship_change_never_deleted BEFORE DELETE ON sponsorship_change
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship change is never deleted; record a new one instead');
END;

-- trigger sponsorship_payment_never_changed on sponsorship_payment
CREATE TRIGGER sponsorship_payment_never_changed BEFORE UPDATE ON sponsorship_payment
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship payment is never edited; void the payment instead');
END;

-- trigger sponsorship_payment_never_deleted on sponsorship_payment
CREATE TRIGGER sponsorship_payment_never_deleted BEFORE DELETE ON sponsorship_payment
BEGIN
    SELECT RAISE(ABORT, 'a sponsorship payment is never deleted; void the payment instead');
END;

-- trigger year_closing_never_deleted on year_closing
CREATE TRIGGER year_closing_never_deleted BEFORE DELETE ON year_closing
BEGIN
    SELECT RAISE(ABORT, 'a closing is never changed; reopen the year instead');
END;

-- trigger year_closing_never_updated on year_closing
CREATE TRIGGER year_closing_never_updated BEFORE UPDATE ON year_closing
BEGIN
    SELECT RAISE(ABORT, 'a closing is never changed; reopen the year instead');
END;

-- trigger year_reopening_never_deleted on year_reopening
CREATE TRIGGER year_reopening_never_deleted BEFORE DELETE ON year_reopening
BEGIN
    SELECT RAISE(ABORT, 'a reopening is never changed; close the year again instead');
END;

-- trigger year_reopening_never_updated on year_reopening
CREATE TRIGGER year_reopening_never_updated BEFORE UPDATE ON year_reopening
BEGIN
    SELECT RAISE(ABORT, 'a reopening is never changed; close the year again instead');
END;

