-- Blueprints, the read model of approved item versions, attempts, responses and
-- the outbox of submitted attempts.

-- Blueprints are data and immutable once created (an attempt copies what it
-- needs, so a past attempt never changes meaning). `domains` is
-- [{"code", "count"}] in code-book order; `parts` is
-- [{"name", "question_count", "time_limit_seconds"}] (empty: one untimed-part exam).
CREATE TABLE delivery.blueprints (
    id                 text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name               text NOT NULL,
    question_count     integer NOT NULL CHECK (question_count > 0),
    time_limit_seconds integer NOT NULL CHECK (time_limit_seconds > 0),
    cut_score_percent  double precision NOT NULL CHECK (cut_score_percent >= 0 AND cut_score_percent <= 100),
    domains            jsonb NOT NULL,
    parts              jsonb NOT NULL DEFAULT '[]',
    shuffle_options    boolean,            -- NULL: the service's setting decides
    target_difficulty  double precision,   -- mean proportion correct a form aims at; NULL: the bank's mean
    builtin            boolean NOT NULL DEFAULT false,
    created_by         uuid,
    created_at         timestamptz NOT NULL DEFAULT now()
);

-- Read model of the item bank's feed. The content of a version is written once
-- and never updated (versions are immutable upstream): a form pins
-- (item_id, version), so this row is the content snapshot every attempt shows.
-- Only `status` (approved -> retired) and `difficulty` change; each change takes
-- a fresh `rev`, which replicas follow to refresh their in-memory pool.
CREATE SEQUENCE delivery.item_rev;
CREATE TABLE delivery.item_versions (
    item_id       text NOT NULL,
    version       integer NOT NULL CHECK (version >= 1),
    domain        text NOT NULL,
    stem          text NOT NULL,
    options       jsonb NOT NULL,
    key           text NOT NULL CHECK (key IN ('A', 'B', 'C', 'D')),
    rationale     text NOT NULL,
    status        text NOT NULL CHECK (status IN ('approved', 'retired')),
    code_set_year integer NOT NULL,
    tags          jsonb NOT NULL DEFAULT '[]',
    difficulty    double precision CHECK (difficulty >= 0 AND difficulty <= 1),
    difficulty_n  integer NOT NULL DEFAULT 0,
    changed_seq   bigint NOT NULL,
    rev           bigint NOT NULL DEFAULT nextval('delivery.item_rev'),
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, version)
);
CREATE INDEX item_versions_rev ON delivery.item_versions (rev);

-- Where delivery is in the item bank's feed. One row; updating it under
-- FOR UPDATE serialises the replicas applying the feed.
CREATE TABLE delivery.feed_cursor (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    cursor     bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO delivery.feed_cursor DEFAULT VALUES;

-- One sitting. The attempt copies what it needs of its blueprint. Parts are
-- kept as arrays the save statement can check: `part_ends` the last position of
-- each part, `part_cum_seconds` the cumulative time limit at the end of each
-- part (before the time multiplier). `form` is the assembled form:
-- [{"item_id", "version", "domain", "order"}] by position, `order` being the
-- original option labels in the order shown as A..D.
CREATE TABLE delivery.attempts (
    id                 uuid PRIMARY KEY,
    candidate_id       uuid NOT NULL REFERENCES delivery.users (id),
    candidate_group    text NOT NULL DEFAULT '',
    blueprint_id       text NOT NULL REFERENCES delivery.blueprints (id),
    blueprint_name     text NOT NULL,
    question_count     integer NOT NULL CHECK (question_count > 0),
    time_limit_seconds integer NOT NULL CHECK (time_limit_seconds > 0),
    cut_score_percent  double precision NOT NULL,
    part_names         text[] NOT NULL DEFAULT '{}',
    part_ends          integer[] NOT NULL DEFAULT '{}',
    part_cum_seconds   integer[] NOT NULL DEFAULT '{}',
    parts_closed       integer NOT NULL DEFAULT 0,
    time_multiplier    double precision NOT NULL CHECK (time_multiplier >= 1.0),
    status             text NOT NULL DEFAULT 'in_progress'
                       CHECK (status IN ('in_progress', 'submitted', 'expired')),
    started_at         timestamptz NOT NULL,
    deadline           timestamptz NOT NULL,
    submitted_at       timestamptz,
    submitted_by       text CHECK (submitted_by IN ('candidate', 'sweeper')),
    form               jsonb NOT NULL
);
-- One open attempt per candidate (a double click on Start cannot open two).
CREATE UNIQUE INDEX attempts_one_open ON delivery.attempts (candidate_id) WHERE status = 'in_progress';
CREATE INDEX attempts_by_candidate ON delivery.attempts (candidate_id, started_at DESC);
CREATE INDEX attempts_due ON delivery.attempts (deadline) WHERE status = 'in_progress';
CREATE INDEX attempts_recent ON delivery.attempts (started_at DESC);

-- One row per answered or flagged position; the latest write wins.
CREATE TABLE delivery.responses (
    attempt_id uuid NOT NULL REFERENCES delivery.attempts (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 1),
    selected   text CHECK (selected IN ('A', 'B', 'C', 'D')),
    flagged    boolean NOT NULL DEFAULT false,
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, position)
);

-- Transactional outbox: the `attempt.submitted` event is written in the same
-- transaction that closes the attempt, and delivered to scoring until acknowledged.
CREATE TABLE delivery.outbox (
    event_id     uuid PRIMARY KEY,
    attempt_id   uuid NOT NULL UNIQUE REFERENCES delivery.attempts (id),
    event_type   text NOT NULL DEFAULT 'attempt.submitted',
    payload      jsonb NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    tries        integer NOT NULL DEFAULT 0,
    next_try_at  timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    last_error   text
);
CREATE INDEX outbox_pending ON delivery.outbox (next_try_at) WHERE published_at IS NULL;

-- Parts, as the save statement checks them. A position belongs to the part
-- whose end it does not pass (0-based); the current part is the larger of the
-- parts the candidate closed and the parts whose time is over.
CREATE FUNCTION delivery.part_of(ends integer[], pos integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT count(*)::integer FROM unnest(ends) AS e WHERE e < pos
$$;

CREATE FUNCTION delivery.current_part(
    started timestamptz, multiplier double precision, cum integer[], closed integer, at timestamptz
) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT GREATEST(closed, (
        SELECT count(*)::integer FROM unnest(cum) AS c
        WHERE started + make_interval(secs => ceil(c * multiplier)) <= at))
$$;
