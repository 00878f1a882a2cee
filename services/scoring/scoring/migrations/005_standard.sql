-- The standard of each blueprint: its cut on the ability scale, set once on the
-- reference scale and kept while the bank grows.
--
-- The reference scale is that of the first calibration. Every later calibration
-- is linked onto it (Stocking-Lord on the item versions it shares with the
-- calibration before it) and stored already linked, so the a and b in
-- item_params and reference_forms are always on the reference scale. A
-- calibration that shares too few items with the one before it is not stored:
-- the previous one stays in use.
ALTER TABLE scoring.calibrations
    ADD COLUMN linked_to    bigint REFERENCES scoring.calibrations (id),  -- NULL: defines the scale
    ADD COLUMN link_a       double precision NOT NULL DEFAULT 1.0,         -- theta_ref = A theta + B
    ADD COLUMN link_b       double precision NOT NULL DEFAULT 0.0,
    ADD COLUMN link_common  integer NOT NULL DEFAULT 0;                    -- common item versions used

-- theta_c of a blueprint on the reference scale. The first 2PL calibration that
-- has a reference form for the blueprint sets it (the blueprint's percent cut on
-- that form); afterwards only an admin's reset changes it.
CREATE TABLE scoring.standards (
    blueprint_id        text PRIMARY KEY,
    theta_cut           double precision NOT NULL,
    cut_score_percent   double precision,          -- the percent cut it was derived from (NULL: set as theta)
    source              text NOT NULL CHECK (source IN ('first_calibration', 'rederived', 'theta', 'raw_cut')),
    calibration_id      bigint NOT NULL REFERENCES scoring.calibrations (id),  -- scale it was set on
    set_at              timestamptz NOT NULL DEFAULT now(),
    set_by              text NOT NULL,             -- a user id, or 'system'
    reason              text NOT NULL DEFAULT ''
);

-- Every setting of a standard, automatic or not: who, when, why, from what to what.
CREATE TABLE scoring.standard_changes (
    id                  bigserial PRIMARY KEY,
    blueprint_id        text NOT NULL,
    theta_cut_before    double precision,
    theta_cut_after     double precision NOT NULL,
    source              text NOT NULL,
    calibration_id      bigint NOT NULL,
    changed_at          timestamptz NOT NULL DEFAULT now(),
    changed_by          text NOT NULL,
    reason              text NOT NULL DEFAULT ''
);
CREATE INDEX standard_changes_blueprint ON scoring.standard_changes (blueprint_id, id);
