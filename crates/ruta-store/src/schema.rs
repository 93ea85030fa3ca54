//! The schema, as versioned migrations. `PRAGMA user_version` holds the number of
//! migrations applied; `PRAGMA application_id` marks the file as ruta's.
//!
//! The schema is the product's public face for SQL users; SCHEMA.md documents it.
//! Never edit a released migration: add a new one.

/// `PRAGMA application_id` of a ruta database: "RUTA" in ASCII.
pub const APPLICATION_ID: i32 = 0x5255_5441;

/// Migrations, in order. Index + 1 is the schema version after applying it.
pub const MIGRATIONS: &[&str] = &[M1, M2, M3, M4, M5, M6, M7, M8, M9];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

const M1: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    title           TEXT,
    publisher       TEXT,
    url             TEXT,
    date            TEXT,
    language        TEXT,
    dataset         TEXT,
    dataset_version TEXT,
    record_id       TEXT,
    note            TEXT,
    added_at        TEXT NOT NULL
);
CREATE INDEX sources_dataset ON sources(dataset, record_id);

CREATE TABLE organizations (
    id        TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT,
    country   TEXT,
    parent_id TEXT,
    curated   INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE org_aliases (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    alias  TEXT NOT NULL,
    PRIMARY KEY (org_id, alias)
);

CREATE TABLE projects (
    id                      TEXT PRIMARY KEY,
    name                    TEXT NOT NULL,
    description             TEXT,
    country                 TEXT,
    sector_code             TEXT,
    sector_name             TEXT,
    sector_group            TEXT NOT NULL,
    sector_subgroup         TEXT,
    sector_rule             TEXT,
    flow_kind               TEXT NOT NULL,
    parent_id               TEXT,
    package_id              TEXT,
    umbrella                INTEGER NOT NULL DEFAULT 0,
    include_in_aggregates   INTEGER NOT NULL DEFAULT 1,
    dataset                 TEXT,
    record_id               TEXT,
    attributes              TEXT NOT NULL DEFAULT '{}',
    -- Displayed values: chosen from the project's claims by the display rule.
    status                  TEXT,
    amount                  REAL,
    currency                TEXT,
    amount_year             INTEGER,
    amount_usd_nominal      REAL,
    amount_usd              REAL,
    year                    INTEGER,
    commitment_date         TEXT,
    planned_start_date      TEXT,
    actual_start_date       TEXT,
    planned_completion_date TEXT,
    actual_completion_date  TEXT,
    interest_rate           REAL,
    maturity_years          REAL,
    grace_period_years      REAL,
    management_fee          REAL,
    commitment_fee          REAL,
    collateral              TEXT,
    first_repayment_date    TEXT,
    last_repayment_date     TEXT,
    -- Representative point (the most precise location) for maps and bbox filters.
    lat                     REAL,
    lon                     REAL,
    precision               INTEGER,
    source_count            INTEGER NOT NULL DEFAULT 0,
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
);
CREATE INDEX projects_country ON projects(country, year);
CREATE INDEX projects_year ON projects(year);
CREATE INDEX projects_group ON projects(sector_group, year);
CREATE INDEX projects_flow ON projects(flow_kind);
CREATE INDEX projects_status ON projects(status);
CREATE INDEX projects_record ON projects(dataset, record_id);
CREATE INDEX projects_parent ON projects(parent_id);
CREATE INDEX projects_amount ON projects(amount_usd);

-- Content hash of the last record written for a project by each origin (an importer
-- layout or the registry): writing the same record again is a no-op.
CREATE TABLE record_origins (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    origin     TEXT NOT NULL,
    hash       TEXT NOT NULL,
    PRIMARY KEY (project_id, origin)
);

CREATE TABLE project_aliases (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    lang       TEXT,
    PRIMARY KEY (project_id, alias)
);

-- "same_as": the project describes the same real-world thing as another record
-- (a registry entry and the dataset rows it was built from).
CREATE TABLE project_links (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    other_id   TEXT NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'same_as',
    PRIMARY KEY (project_id, other_id, kind)
);
CREATE INDEX project_links_other ON project_links(other_id);

-- No foreign key on project_id: AidData's ADM location files may be imported before
-- the project rows they belong to; they attach when the project arrives.
CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL,
    lat        REAL,
    lon        REAL,
    precision  INTEGER CHECK (precision BETWEEN 1 AND 9),
    admin1     TEXT,
    admin2     TEXT,
    place      TEXT,
    geometry   TEXT,
    share      REAL,
    intersection_share REAL,
    feature_id TEXT,
    source_id  INTEGER REFERENCES sources(id)
);
CREATE INDEX locations_project ON locations(project_id, source_id);

CREATE TABLE parties (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES organizations(id),
    role       TEXT NOT NULL,
    share      REAL,
    source_id  INTEGER REFERENCES sources(id),
    PRIMARY KEY (project_id, org_id, role)
);
CREATE INDEX parties_org ON parties(org_id, role);

-- One value per row, typed by `kind`: money uses amount..conversion, number, percent
-- and quantity use number (and unit), date, text and status use text.
CREATE TABLE claims (
    id          INTEGER PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('money', 'number', 'quantity', 'percent', 'date', 'text', 'status')),
    amount      REAL,
    currency    TEXT,
    money_year  INTEGER,
    usd_nominal REAL,
    usd_2021    REAL,
    conversion  TEXT,
    number      REAL,
    unit        TEXT,
    text        TEXT,
    -- Fingerprint of what the source said (money without derived USD): the same source
    -- saying the same thing of the same field again is not a new claim.
    value_key   TEXT NOT NULL,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    locator     TEXT,
    span_start  INTEGER,
    span_end    INTEGER,
    quote       TEXT,
    confidence  REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    qualifier   TEXT,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX claims_unique ON claims(project_id, field, source_id, value_key);
CREATE INDEX claims_source ON claims(source_id);

CREATE TABLE project_sources (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    PRIMARY KEY (project_id, source_id)
);
CREATE INDEX project_sources_source ON project_sources(source_id);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    date       TEXT,
    summary    TEXT NOT NULL,
    event_key  TEXT NOT NULL,
    UNIQUE (project_id, event_key)
);
CREATE TABLE event_sources (
    event_id  INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    quote     TEXT,
    locator   TEXT,
    PRIMARY KEY (event_id, source_id)
);

CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    file        TEXT NOT NULL,
    rows_read   INTEGER NOT NULL,
    imported    INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL
);

CREATE VIRTUAL TABLE projects_fts USING fts5(
    name, aliases, body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE sources_fts USING fts5(
    title, publisher, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE organizations_fts USING fts5(
    org_id UNINDEXED, names, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE claims_fts USING fts5(
    quote, tokenize = 'unicode61 remove_diacritics 2'
);

-- Projects that count in totals: AidData's Recommended For Aggregates, minus curated
-- records whose same_as dataset record is present (the dataset row carries the flow).
CREATE VIEW aggregate_projects AS
SELECT p.* FROM projects p
WHERE p.include_in_aggregates = 1
  AND NOT EXISTS (
    SELECT 1 FROM project_links l JOIN projects d ON d.id = l.other_id
    WHERE l.project_id = p.id AND l.kind = 'same_as' AND d.include_in_aggregates = 1
  );
"#;

/// News ingestion: the text of articles (so spans can be shown in context) and figures
/// no project could be linked to.
const M2: &str = r#"
ALTER TABLE sources ADD COLUMN text TEXT;

-- A money, quantity or percent figure an article states that ruta could not attach to a
-- project: kept with its span and sentence so it can be searched and linked later.
CREATE TABLE evidence (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    kind         TEXT NOT NULL CHECK (kind IN ('money', 'quantity', 'percent')),
    text         TEXT NOT NULL,
    span_start   INTEGER NOT NULL,
    span_end     INTEGER NOT NULL,
    amount       REAL,
    currency     TEXT,
    usd          REAL,
    approx       INTEGER NOT NULL DEFAULT 0,
    qualifier    TEXT,
    unit         TEXT,
    country      TEXT,
    orgs         TEXT NOT NULL DEFAULT '[]',
    quote        TEXT NOT NULL,
    -- Fingerprint of value and sentence: a paragraph repeated in the article, or the
    -- article ingested again, adds nothing.
    evidence_key TEXT NOT NULL,
    UNIQUE (source_id, evidence_key)
);
CREATE INDEX evidence_country ON evidence(country, kind);
CREATE VIRTUAL TABLE evidence_fts USING fts5(
    quote, tokenize = 'unicode61 remove_diacritics 2'
);
"#;

/// Serving speed: listings by country, largest first, read from an index; totals read
/// from a covering index; the shadowing of curated records by their dataset twins found
/// once per query (the few `same_as` links first) instead of once per project.
const M3: &str = r#"
CREATE INDEX projects_country_amount ON projects(country, amount_usd DESC, id);
CREATE INDEX projects_amount_id ON projects(amount_usd DESC, id);
CREATE INDEX projects_totals ON projects(include_in_aggregates, year, amount_usd, sector_group, flow_kind, country, id);

DROP VIEW aggregate_projects;
CREATE VIEW aggregate_projects AS
SELECT p.* FROM projects p
WHERE p.include_in_aggregates = 1
  AND p.id NOT IN (
    SELECT l.project_id FROM project_links l CROSS JOIN projects d ON d.id = l.other_id
    WHERE l.kind = 'same_as' AND d.include_in_aggregates = 1
  );
"#;

/// Projects and flows (schema 4). A row of `projects` is a *record* (a dataset row, a
/// registry entry or one of its flows); records joined by relations form one project,
/// named by `canonical_id` (= `id` for the record that names it). A record that states a
/// financial commitment has a row in `flows`. `relations` holds every statement about how
/// two records relate, with who made it. Totals sum `counted_flows`. The Rust step that
/// follows this migration (`Store::migrate`) fills `flows` from the records of a schema-3
/// database and computes projects and counts.
const M4: &str = r#"
ALTER TABLE projects ADD COLUMN canonical_id TEXT;
ALTER TABLE projects ADD COLUMN curated_project INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN value_amount REAL;
ALTER TABLE projects ADD COLUMN value_currency TEXT;
ALTER TABLE projects ADD COLUMN value_year INTEGER;
ALTER TABLE projects ADD COLUMN value_usd_nominal REAL;
ALTER TABLE projects ADD COLUMN value_usd REAL;
ALTER TABLE projects ADD COLUMN value_claim_id INTEGER;
ALTER TABLE projects ADD COLUMN flow_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN counted_usd REAL;
UPDATE projects SET canonical_id = id;
CREATE INDEX projects_canonical ON projects(canonical_id);
-- Totals read flows now: the projects' totals and flow-kind indexes only slow writes.
DROP INDEX projects_totals;
DROP INDEX projects_flow;
DROP INDEX projects_amount;
UPDATE projects SET flow_kind = 'equity' WHERE flow_kind = 'fdi';
UPDATE projects SET flow_kind = 'unknown' WHERE flow_kind = 'other';

ALTER TABLE sources ADD COLUMN file TEXT;
ALTER TABLE sources ADD COLUMN sheet TEXT;
ALTER TABLE sources ADD COLUMN line INTEGER;

ALTER TABLE locations ADD COLUMN commitment_value REAL;

-- Figures articles stated about a project: its value (cost, size), or a flow's amount
-- the article mentions (kept as such until linked to a dataset flow).
UPDATE claims SET field = CASE WHEN qualifier IN ('loan', 'acquisition', 'contract', 'grant')
                               THEN 'amount_mentioned' ELSE 'value' END
WHERE field = 'amount' AND locator LIKE 'bytes %';

CREATE TABLE flows (
    id                    TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    project_id            TEXT NOT NULL,
    kind                  TEXT NOT NULL,
    kind_basis            TEXT NOT NULL,
    kind_inferred         INTEGER NOT NULL DEFAULT 0,
    origin                TEXT NOT NULL CHECK (origin IN ('dataset', 'registry', 'article')),
    dataset               TEXT,
    dataset_version       TEXT,
    country               TEXT,
    sector_group          TEXT NOT NULL,
    year                  INTEGER,
    status                TEXT,
    amount                REAL,
    currency              TEXT,
    amount_year           INTEGER,
    amount_usd_nominal    REAL,
    amount_usd            REAL,
    amount_claim_id       INTEGER,
    amount_source_rank    INTEGER NOT NULL DEFAULT 0,
    amount_confidence     REAL NOT NULL DEFAULT 0,
    commitment_date       TEXT,
    interest_rate         REAL,
    maturity_years        REAL,
    grace_period_years    REAL,
    management_fee        REAL,
    commitment_fee        REAL,
    collateral            TEXT,
    first_repayment_date  TEXT,
    last_repayment_date   TEXT,
    include_in_aggregates INTEGER,
    umbrella              INTEGER NOT NULL DEFAULT 0,
    counted               INTEGER NOT NULL DEFAULT 0,
    not_counted_reason    TEXT,
    group_id              TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX flows_project ON flows(project_id);
CREATE INDEX flows_group ON flows(group_id);
CREATE INDEX flows_totals ON flows(counted, year, country, kind, sector_group, amount_usd);
CREATE INDEX flows_country ON flows(country, year);

CREATE TABLE relations (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('same_as', 'finances', 'refinances', 'part_of', 'supersedes', 'same_project')),
    from_id    TEXT NOT NULL,
    to_id      TEXT NOT NULL,
    origin     TEXT NOT NULL CHECK (origin IN ('dataset', 'registry', 'rule', 'linker', 'person')),
    rule       TEXT NOT NULL,
    score      REAL,
    judgement  TEXT NOT NULL DEFAULT 'positive' CHECK (judgement IN ('positive', 'negative', 'candidate')),
    evidence   TEXT,
    source_id  INTEGER REFERENCES sources(id),
    -- The record whose writing stated it (rewriting that record restates its relations).
    stated_by  TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (kind, from_id, to_id, origin, rule)
);
CREATE INDEX relations_from ON relations(from_id);
CREATE INDEX relations_to ON relations(to_id);
CREATE INDEX relations_stated ON relations(stated_by);

-- The registry's links of schema 3 become same_as statements until the registry is
-- loaded again (which states them anew).
INSERT OR IGNORE INTO relations(kind, from_id, to_id, origin, rule, created_at)
SELECT 'same_as', project_id, other_id, 'registry', 'xrefs (schema 3)', strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
FROM project_links WHERE kind = 'same_as';

DROP VIEW aggregate_projects;

-- The flows every total sums.
CREATE VIEW counted_flows AS SELECT * FROM flows WHERE counted = 1;
"#;

/// Trade: goods exports and imports between two economies by year (and HS chapter), one
/// row per value as one source states it (a dataset file of one vintage, or an article).
/// Kept apart from projects and claims; provenance as in `claims` (source, locator).
/// Self-contained: depends on `sources` only.
const M5: &str = r#"
CREATE TABLE trade_values (
    id          INTEGER PRIMARY KEY,
    -- ISO3 of the economy whose statistics state the value; NULL for a figure stated in
    -- an article (then `flow` is seen from China: export = China to `partner`).
    reporter    TEXT,
    -- ISO3 of the counterpart, or 'WLD' for the reporter's trade with all partners.
    partner     TEXT NOT NULL,
    -- From the reporter's side: its exports to, or imports from, the partner; 'total' =
    -- both directions (news figures of "bilateral trade").
    flow        TEXT NOT NULL CHECK (flow IN ('export', 'import', 'total')),
    year        INTEGER NOT NULL,
    -- HS chapter ('01'..'99'); NULL = all goods.
    hs2         TEXT CHECK (hs2 IS NULL OR (length(hs2) = 2 AND hs2 GLOB '[0-9][0-9]')),
    -- 'value_usd': nominal US dollars; 'share_pct': percent of the country's exports or
    -- imports that go to or come from China.
    measure     TEXT NOT NULL DEFAULT 'value_usd' CHECK (measure IN ('value_usd', 'share_pct')),
    value       REAL NOT NULL,
    -- 'fob' (exports, free on board) or 'cif' (imports, cost, insurance, freight).
    valuation   TEXT CHECK (valuation IN ('fob', 'cif')),
    -- How the value was made when the source does not state it as such (e.g. "sum of 3
    -- HS4 rows"); NULL when stated.
    derived     TEXT,
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    -- Where in the source: "line 12, column 2019", "line 5", "bytes 120-134".
    locator     TEXT NOT NULL,
    span_start  INTEGER,
    span_end    INTEGER,
    quote       TEXT,
    confidence  REAL NOT NULL DEFAULT 1 CHECK (confidence BETWEEN 0 AND 1),
    created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX trade_values_unique
    ON trade_values(source_id, COALESCE(reporter, ''), partner, flow, year, COALESCE(hs2, ''), measure);
CREATE INDEX trade_values_partner ON trade_values(partner, year);
CREATE INDEX trade_values_reporter ON trade_values(reporter, year);
"#;

/// Debt: debt service as the World Bank reports it (IDS, per debtor, creditor, series
/// and year), and the reschedulings, deferrals and rate changes sources state about
/// loans. Self-contained: depends on `sources` only (a debt event names its loan by
/// record id, without a foreign key, so it may be stated before the loan is imported).
const M6: &str = r#"
CREATE TABLE debt_service_reported (
    id            INTEGER PRIMARY KEY,
    -- ISO3 of the debtor country.
    debtor        TEXT NOT NULL,
    -- The creditor as the source names it ('China', 'Multiple Lenders').
    creditor      TEXT NOT NULL,
    -- ISO3 of the creditor when it is a country; NULL for groups.
    creditor_iso3 TEXT,
    -- 'principal' (IDS DT.AMT.BLAT.CD) or 'interest' (DT.INT.BLAT.CD) paid on public and
    -- publicly guaranteed debt to the creditor.
    series        TEXT NOT NULL CHECK (series IN ('principal', 'interest')),
    series_code   TEXT,
    year          INTEGER NOT NULL,
    -- Current (nominal) US dollars.
    value_usd     REAL NOT NULL CHECK (value_usd >= 0),
    -- 1: the World Bank's projection of debt service on debt outstanding, not a payment.
    projected     INTEGER NOT NULL DEFAULT 0,
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    -- Where in the source: "line 12".
    locator       TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX debt_service_reported_unique
    ON debt_service_reported(source_id, debtor, creditor, series, year);
CREATE INDEX debt_service_reported_debtor ON debt_service_reported(debtor, creditor_iso3, year);

CREATE TABLE debt_events (
    id              INTEGER PRIMARY KEY,
    -- The loan's record id (any record of its same-flow group).
    flow_id         TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('principal_deferral', 'reprofile', 'rate_change')),
    -- From when the change applies (ISO date).
    from_date       TEXT NOT NULL,
    -- principal_deferral: the last day of the deferral window.
    to_date         TEXT,
    -- principal_deferral: 'shift_schedule' or 'spread_over_remaining'.
    repayment       TEXT CHECK (repayment IS NULL OR repayment IN ('shift_schedule', 'spread_over_remaining')),
    -- reprofile: the new first and last repayment dates.
    first_repayment TEXT,
    last_repayment  TEXT,
    -- rate_change: the new rate as stated ("2.0", "LIBOR + 3.1"), percent a year.
    rate            TEXT,
    source_id       INTEGER NOT NULL REFERENCES sources(id),
    locator         TEXT,
    quote           TEXT,
    -- Who stated it: 'registry', or the record whose import stated it.
    stated_by       TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (flow_id, kind, from_date, source_id)
);
CREATE INDEX debt_events_flow ON debt_events(flow_id);
"#;

/// Precomputed totals (a cache of `flows`, rebuilt at every commit that changes what
/// counts; see `totals.rs`): counted flows summed per cell of year × country × sector
/// group × kind × status, counted loans per lender cell, projects per cell of country ×
/// sector group × status × year, counted flows per organization taking part; and the index flow listings are sorted by. The
/// migration leaves them empty; the store fills them in the same transaction.
const M7: &str = r#"
CREATE TABLE flow_totals (
    year         INTEGER,
    country      TEXT,
    sector_group TEXT,
    kind         TEXT,
    status       TEXT,
    -- Belt and Road membership of the country at the flow's commitment date: 1 member,
    -- 0 not, NULL when the flow has neither a commitment date nor a year.
    bri          INTEGER,
    -- Counted flows in the cell (with or without an amount).
    flows        INTEGER NOT NULL,
    -- Constant 2021 USD over the cell's counted flows.
    amount_usd   REAL NOT NULL
);
CREATE TABLE lender_totals (
    -- Organization id of a Chinese lender, or 'unattributed'.
    lender       TEXT NOT NULL,
    year         INTEGER,
    country      TEXT,
    sector_group TEXT,
    status       TEXT,
    -- Counted loans naming the lender (a loan with n Chinese lenders counts in each).
    loans        INTEGER NOT NULL,
    -- Constant 2021 USD: each loan's amount split evenly among its Chinese lenders.
    amount_usd   REAL NOT NULL
);
CREATE TABLE project_counts (
    country      TEXT,
    sector_group TEXT,
    status       TEXT,
    year         INTEGER,
    -- Projects (canonical records) in the cell.
    projects     INTEGER NOT NULL
);
CREATE TABLE org_totals (
    -- An organization with any role in a record of the flow's same-flow group.
    org_id       TEXT NOT NULL,
    year         INTEGER,
    country      TEXT,
    sector_group TEXT,
    kind         TEXT,
    status       TEXT,
    flows        INTEGER NOT NULL,
    -- Constant 2021 USD (the whole flow, not a share).
    amount_usd   REAL NOT NULL
);
CREATE INDEX org_totals_org ON org_totals(org_id);
CREATE INDEX flows_amount ON flows(amount_usd DESC, id);
"#;

/// Events no project could be identified for ("unattached events"): an article reports a
/// protest, a delay or a bribe about a project that is not in the registry, or about one
/// the words do not single out. They are kept with their sentence, date, country and
/// organizations, listed beside project events (`ruta events`, `/api/events`) and
/// searched. `events_fts` and `unattached_events_fts` put events of both kinds into full
/// text (`/api/search`); migration 8 indexes the events already stored.
const M8: &str = r#"
CREATE TABLE unattached_events (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    kind         TEXT NOT NULL,
    -- ISO date or year, possibly partial: the date the sentence gives, else the article's.
    date         TEXT,
    -- ISO3: the one country of the region the sentence names, else the article's host
    -- country; never CHN (China is the financier's side, never the host).
    country      TEXT CHECK (country IS NULL OR country <> 'CHN'),
    -- JSON array of gazetteer ids of the organizations the sentence names.
    orgs         TEXT NOT NULL DEFAULT '[]',
    -- JSON array of registry records the words fit when they fit several and nothing in
    -- the article chose one (empty otherwise).
    candidates   TEXT NOT NULL DEFAULT '[]',
    summary      TEXT NOT NULL,
    -- The sentence, and the event words' byte span in the source's text.
    quote        TEXT NOT NULL,
    span_start   INTEGER NOT NULL,
    span_end     INTEGER NOT NULL,
    locator      TEXT NOT NULL,
    -- Kind and sentence: a paragraph repeated in the article, or the article ingested
    -- again, adds nothing.
    event_key    TEXT NOT NULL,
    UNIQUE (source_id, event_key)
);
CREATE INDEX unattached_events_country ON unattached_events(country, kind);
CREATE VIRTUAL TABLE unattached_events_fts USING fts5(
    summary, tokenize = 'unicode61 remove_diacritics 2'
);
-- Project events: the summary and every source's quote (rowid = events.id).
CREATE VIRTUAL TABLE events_fts USING fts5(
    body, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO events_fts(rowid, body)
SELECT e.id, concat_ws(char(10), e.summary,
       (SELECT group_concat(es.quote, char(10)) FROM event_sources es WHERE es.event_id = e.id))
FROM events e;
"#;

/// Organizations' record counts and roles, precomputed with the totals (the listing of
/// organizations sorted by records counted every party at 200,000 records); the store
/// fills the table in the same transaction.
const M9: &str = r#"
CREATE TABLE org_counts (
    org_id       TEXT PRIMARY KEY,
    -- Records (projects and flows as stated) naming the organization in any role.
    projects     INTEGER NOT NULL,
    -- JSON object: role -> number of records naming it in that role.
    roles        TEXT NOT NULL
);
"#;
