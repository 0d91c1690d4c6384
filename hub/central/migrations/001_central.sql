-- The central database where many MPPs meet (issue 16, docs/central.md).
--
-- Each hub's chained events arrive with their seq and hash; a trigger refuses any row that
-- does not continue its MPP's chain, so nothing but an intact chain is ever stored, whoever
-- writes. visits and surveys are the hub's own projection of those events (rebuilt by the
-- hub's code in hub.central.ingest); visit_counts and survey_sums roll them up per day so
-- that a year of many MPPs is reported from a few hundred thousand rows.

CREATE TABLE mpps (
    mpp_id           text PRIMARY KEY CHECK (mpp_id ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    name             text NOT NULL,
    timezone         text NOT NULL DEFAULT 'Asia/Jakarta',
    head_seq         bigint NOT NULL DEFAULT 0,
    head_hash        text NOT NULL DEFAULT repeat('0', 64),
    registered_at    timestamptz NOT NULL DEFAULT now(),
    last_received_at timestamptz
);
COMMENT ON COLUMN mpps.head_seq IS 'last event stored for this MPP; kept by the chain trigger';

CREATE TABLE names (
    mpp_id     text NOT NULL REFERENCES mpps ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind IN ('tenant', 'service')),
    id         text NOT NULL,
    name       text NOT NULL,
    short_name text NOT NULL,
    PRIMARY KEY (mpp_id, kind, id)
);

CREATE TABLE events (
    mpp_id      text NOT NULL REFERENCES mpps,
    seq         bigint NOT NULL,
    at          text NOT NULL,
    type        text NOT NULL,
    payload     text NOT NULL,
    hash        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (mpp_id, seq)
);

-- The chain guard: hub.eventlog.chain_hash, in SQL. Every row must follow its MPP's head.
CREATE FUNCTION events_chain_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  bigint;
    last_hash text;
    expected  text;
BEGIN
    SELECT head_seq, head_hash INTO last_seq, last_hash
      FROM mpps WHERE mpp_id = NEW.mpp_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown MPP %', NEW.mpp_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.seq <> last_seq + 1 THEN
        RAISE EXCEPTION 'MPP %: seq % does not follow the stored head seq %',
            NEW.mpp_id, NEW.seq, last_seq USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    expected := encode(sha256(convert_to(concat_ws(chr(31), last_hash, NEW.seq::text,
                                                   NEW.type, NEW.at, NEW.payload), 'UTF8')),
                       'hex');
    IF NEW.hash <> expected THEN
        RAISE EXCEPTION 'MPP %: seq % does not chain from the stored head (hash differs)',
            NEW.mpp_id, NEW.seq USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE mpps SET head_seq = NEW.seq, head_hash = NEW.hash, last_received_at = now()
     WHERE mpp_id = NEW.mpp_id;
    RETURN NEW;
END $$;

CREATE TRIGGER events_chain_guard BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION events_chain_guard();

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only (% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- What was refused, so that a broken chain is reported, never silently dropped.
CREATE TABLE chain_faults (
    fault_id    bigserial PRIMARY KEY,
    mpp_id      text NOT NULL,
    seq         bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('gap', 'fork', 'altered', 'unreadable')),
    detail      text NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chain_faults_mpp ON chain_faults (mpp_id, reported_at);

CREATE TABLE business_days (
    mpp_id       text NOT NULL REFERENCES mpps,
    business_day text NOT NULL,
    first_seq    bigint NOT NULL,
    PRIMARY KEY (mpp_id, business_day)
);

-- The hub's visits table (hub/eventlog.py), one more key column: mpp_id.
CREATE TABLE visits (
    mpp_id                 text NOT NULL REFERENCES mpps,
    visit_id               text NOT NULL,
    business_day           text NOT NULL,
    year                   integer,
    month                  text,
    weekday                integer,
    hour                   integer,
    label                  text,
    service_id             text NOT NULL,
    final_service_id       text,
    tenant_id              text NOT NULL,
    category               text,
    priority_kind          text,
    channel                text,
    issued_at              text,
    people_ahead           integer,
    estimated_wait_minutes integer,
    first_called_at        text,
    last_called_at         text,
    call_count             integer,
    recall_count           integer,
    transfer_count         integer,
    transfers              text,
    counter_id             text,
    ended_at               text,
    outcome                text NOT NULL,
    wait_seconds           double precision,
    service_seconds        double precision,
    PRIMARY KEY (mpp_id, visit_id)
);
CREATE INDEX visits_day ON visits (mpp_id, business_day);
CREATE INDEX visits_year_tenant ON visits (year, tenant_id);

CREATE TABLE surveys (
    mpp_id       text NOT NULL REFERENCES mpps,
    survey_id    text NOT NULL,
    visit_id     text,
    business_day text,
    year         integer,
    month        text,
    service_id   text,
    tenant_id    text,
    counter_id   text,
    at           text,
    u1 integer, u2 integer, u3 integer, u4 integer, u5 integer, u6 integer, u7 integer,
    u8 integer, u9 integer,
    age_band     text,
    gender       text,
    education    text,
    occupation   text,
    comment      text,
    PRIMARY KEY (mpp_id, survey_id)
);
CREATE INDEX surveys_day ON surveys (mpp_id, business_day);

-- Visits per day and group, kept in step with visits by the ingest (each visit counted once,
-- under its current outcome); the central reports read these.
CREATE TABLE visit_counts (
    mpp_id        text NOT NULL,
    business_day  text NOT NULL,
    year          integer NOT NULL,
    month         text NOT NULL,
    tenant_id     text NOT NULL,
    service_id    text NOT NULL,
    category      text NOT NULL,
    outcome       text NOT NULL,
    transferred   boolean NOT NULL,
    visits        bigint NOT NULL,
    waits         bigint NOT NULL,
    wait_sum      double precision NOT NULL,
    service_sum   double precision NOT NULL,
    PRIMARY KEY (mpp_id, business_day, tenant_id, service_id, category, outcome, transferred)
);
CREATE INDEX visit_counts_year ON visit_counts (year, month, tenant_id);

CREATE TABLE survey_sums (
    mpp_id       text NOT NULL,
    business_day text NOT NULL,
    year         integer NOT NULL,
    month        text NOT NULL,
    tenant_id    text NOT NULL,
    service_id   text NOT NULL,
    respondents  bigint NOT NULL,
    u1 bigint NOT NULL, u2 bigint NOT NULL, u3 bigint NOT NULL, u4 bigint NOT NULL,
    u5 bigint NOT NULL, u6 bigint NOT NULL, u7 bigint NOT NULL, u8 bigint NOT NULL,
    u9 bigint NOT NULL,
    PRIMARY KEY (mpp_id, business_day, tenant_id, service_id)
);
CREATE INDEX survey_sums_year ON survey_sums (year, month, tenant_id);
