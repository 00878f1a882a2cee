-- Search that means what it says, and search by code.
--
-- Words: the 'simple' configuration (lower-cased words, no stemming), so "laterality"
-- finds "laterality" and never "later" or "lateral"; the query side (item_bank/search.py)
-- adds plain plurals and a prefix only where the user types `word*`.
--
-- Codes: every code an item's text names (ICD-10-CM "E11.9", HCPCS Level II "J3420",
-- CPT numbers "99213"), upper case without the dot, together with each leading part of
-- three characters or more ("E11", "E119"), so that an exact code and a code prefix are
-- both one indexed containment test (codes @> ARRAY['E119']). Computed by the database
-- on every write and, for the rows already stored, when this column is added.

CREATE FUNCTION item_bank.item_codes(body text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT left(c.code, n.n) ORDER BY left(c.code, n.n)), '{}')
    FROM (
        SELECT replace(m[1], '.', '') AS code
        FROM regexp_matches(
            body,
            '\y([A-Z][0-9]{4}|[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?|[0-9]{4}[0-9FTU])\y',
            'g'
        ) AS m
    ) AS c
    CROSS JOIN LATERAL generate_series(3, length(c.code)) AS n (n)
$$;

ALTER TABLE item_bank.item_versions
    ADD COLUMN codes text[] NOT NULL GENERATED ALWAYS AS (
        item_bank.item_codes(stem || E'\n' || options_text || E'\n' || rationale)
    ) STORED,
    ADD COLUMN search_words tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', stem), 'A') || setweight(to_tsvector('simple', options_text), 'B')
    ) STORED;

CREATE INDEX item_versions_latest_codes ON item_bank.item_versions USING gin (codes) WHERE is_latest;
CREATE INDEX item_versions_latest_words ON item_bank.item_versions USING gin (search_words) WHERE is_latest;
-- The stemmed ('english') vector is no longer searched: its index would only cost writes.
DROP INDEX item_bank.item_versions_latest_search;
