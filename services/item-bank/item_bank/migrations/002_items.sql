-- Items, their immutable versions, the review audit trail and the delivery feed.
--
-- An item is a stable id; its content lives in numbered versions that are never
-- updated (only a version's workflow status moves). Exactly one version per item
-- is the latest (is_latest) and at most one is approved and in service
-- (items.approved_version). Search reads the latest versions only, through
-- partial indexes.

CREATE TABLE item_bank.items (
    id               uuid PRIMARY KEY,
    created_at       timestamptz NOT NULL DEFAULT now(),
    created_by       text NOT NULL,
    created_by_name  text NOT NULL,
    latest_version   integer NOT NULL,
    approved_version integer
);

CREATE TABLE item_bank.item_versions (
    item_id           uuid NOT NULL REFERENCES item_bank.items (id),
    version           integer NOT NULL CHECK (version >= 1),
    domain            text NOT NULL,
    stem              text NOT NULL,
    options           jsonb NOT NULL,
    key               text NOT NULL CHECK (key IN ('A', 'B', 'C', 'D')),
    rationale         text NOT NULL,
    tags              text[] NOT NULL DEFAULT '{}',
    code_set_year     integer NOT NULL,
    refs              text[] NOT NULL DEFAULT '{}',
    status            text NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'retired')),
    author_id         text NOT NULL,
    author_name       text NOT NULL,
    item_author_id    text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    is_latest         boolean NOT NULL DEFAULT true,
    options_text      text NOT NULL,
    search            tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', stem), 'A') || setweight(to_tsvector('english', options_text), 'B')
    ) STORED,
    PRIMARY KEY (item_id, version)
);

-- One latest version per item.
CREATE UNIQUE INDEX item_versions_one_latest ON item_bank.item_versions (item_id) WHERE is_latest;
-- Search: newest first, keyset on (created_at, item_id); one index per common filter.
CREATE INDEX item_versions_latest_order ON item_bank.item_versions (created_at DESC, item_id DESC)
    WHERE is_latest;
CREATE INDEX item_versions_latest_domain ON item_bank.item_versions (domain, created_at DESC, item_id DESC)
    WHERE is_latest;
CREATE INDEX item_versions_latest_status ON item_bank.item_versions (status, created_at DESC, item_id DESC)
    WHERE is_latest;
CREATE INDEX item_versions_latest_author ON item_bank.item_versions (item_author_id, created_at DESC, item_id DESC)
    WHERE is_latest;
CREATE INDEX item_versions_latest_year ON item_bank.item_versions (code_set_year, created_at DESC, item_id DESC)
    WHERE is_latest;
CREATE INDEX item_versions_latest_tags ON item_bank.item_versions USING gin (tags) WHERE is_latest;
CREATE INDEX item_versions_latest_search ON item_bank.item_versions USING gin (search) WHERE is_latest;
-- Code-set rollover: approved versions in service by year.
CREATE INDEX item_versions_approved_year ON item_bank.item_versions (code_set_year, item_id)
    WHERE status = 'approved';

-- Every change an instructor (or the system) made: creations, edits, transitions.
CREATE TABLE item_bank.audit (
    id          bigserial PRIMARY KEY,
    item_id     uuid NOT NULL REFERENCES item_bank.items (id),
    version     integer NOT NULL,
    action      text NOT NULL CHECK (action IN ('created', 'edited', 'imported', 'seeded', 'transition')),
    from_status text,
    to_status   text,
    actor_id    text NOT NULL,
    actor_name  text NOT NULL,
    comment     text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_item ON item_bank.audit (item_id, id);

-- The delivery feed: one row each time a version enters service (approved) or
-- leaves it (retired, or superseded by a newer approved version). `seq` is
-- assigned under a transaction-scoped advisory lock, so rows become visible in
-- seq order and a reader following the cursor never skips one.
CREATE TABLE item_bank.feed_log (
    seq        bigint PRIMARY KEY,
    item_id    uuid NOT NULL,
    version    integer NOT NULL,
    status     text NOT NULL CHECK (status IN ('approved', 'retired')),
    changed_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (item_id, version) REFERENCES item_bank.item_versions (item_id, version)
);
