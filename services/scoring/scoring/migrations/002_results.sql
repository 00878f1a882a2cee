-- Results, the events they came from, and the item versions they used.
--
-- A result row carries its form compactly: `item_ix` is the attempt's item
-- versions (int32 little-endian, one per position, ids into item_versions) and
-- `choices` the option chosen at each position (int8: 0..3 = A..D, -1 omitted),
-- `keys` the key each position was scored against (int8).
-- The statistics read 100,000 attempts as 100,000 rows of two short byte
-- strings instead of 15 million response rows, and numpy turns them into the
-- response matrix without a Python loop over candidates.

CREATE TABLE scoring.events (
    event_id     text PRIMARY KEY,
    attempt_id   text NOT NULL UNIQUE,
    received_at  timestamptz NOT NULL DEFAULT now()
);

-- Item versions are immutable upstream: the first event that names one records
-- its domain, key and rationale (used by the review and by the item analysis).
CREATE TABLE scoring.item_versions (
    id         serial PRIMARY KEY,
    item_id    text NOT NULL,
    version    integer NOT NULL,
    domain     text NOT NULL,
    key        text NOT NULL CHECK (key IN ('A', 'B', 'C', 'D')),
    rationale  text NOT NULL DEFAULT '',
    first_seen timestamptz NOT NULL DEFAULT now(),
    UNIQUE (item_id, version)
);

CREATE TABLE scoring.results (
    attempt_id          text PRIMARY KEY,
    seq                 bigserial NOT NULL UNIQUE,
    event_id            text NOT NULL REFERENCES scoring.events (event_id),
    candidate_id        text NOT NULL,
    candidate_group     text NOT NULL DEFAULT '',
    blueprint_id        text NOT NULL,
    blueprint_name      text NOT NULL,
    question_count      integer NOT NULL,
    answered_count      integer NOT NULL,
    raw_score           integer NOT NULL,
    percent             double precision NOT NULL,
    passed              boolean NOT NULL,
    blueprint_cut_percent double precision NOT NULL,
    cut_used            text NOT NULL CHECK (cut_used IN ('raw', 'equated')),
    cut_score_percent   double precision NOT NULL,
    raw_cut             double precision NOT NULL,
    scaled_score        integer,
    theta               double precision,
    theta_se            double precision,
    calibration_id      bigint,
    started_at          timestamptz NOT NULL,
    submitted_at        timestamptz NOT NULL,
    time_limit_seconds  integer NOT NULL,
    submitted_by        text NOT NULL,
    scored_at           timestamptz NOT NULL DEFAULT now(),
    domains             jsonb NOT NULL,
    item_ix             bytea NOT NULL,
    choices             bytea NOT NULL,
    keys                bytea NOT NULL,
    CHECK (length(item_ix) = 4 * question_count AND length(choices) = question_count
           AND length(keys) = question_count)
);
CREATE INDEX results_candidate ON scoring.results (candidate_id, submitted_at DESC);
CREATE INDEX results_blueprint ON scoring.results (blueprint_id, submitted_at);

-- IRT calibrations: one row per run, parameters per item version. The latest
-- 2PL calibration scores new results; older ones stay for the record.
CREATE TABLE scoring.calibrations (
    id            bigserial PRIMARY KEY,
    model         text NOT NULL CHECK (model IN ('2pl', 'rasch')),
    calibrated_at timestamptz NOT NULL DEFAULT now(),
    n_attempts    integer NOT NULL,
    n_items       integer NOT NULL,
    max_seq       bigint NOT NULL,
    converged     boolean NOT NULL,
    iterations    integer NOT NULL,
    loglik        double precision NOT NULL,
    seconds       double precision NOT NULL
);

CREATE TABLE scoring.item_params (
    calibration_id  bigint NOT NULL REFERENCES scoring.calibrations (id) ON DELETE CASCADE,
    item_version_id integer NOT NULL REFERENCES scoring.item_versions (id),
    n               integer NOT NULL,
    a               double precision NOT NULL,
    b               double precision NOT NULL,
    se_a            double precision,
    se_b            double precision,
    infit           double precision,
    outfit          double precision,
    fit_chi2        double precision,
    fit_p           double precision,
    PRIMARY KEY (calibration_id, item_version_id)
);

-- The reference form of a blueprint for a calibration: the calibrated item
-- versions its attempts used. Its test characteristic curve places the
-- blueprint's percent cut on the ability scale (theta_c).
CREATE TABLE scoring.reference_forms (
    calibration_id  bigint NOT NULL REFERENCES scoring.calibrations (id) ON DELETE CASCADE,
    blueprint_id    text NOT NULL,
    a               double precision[] NOT NULL,
    b               double precision[] NOT NULL,
    PRIMARY KEY (calibration_id, blueprint_id)
);
