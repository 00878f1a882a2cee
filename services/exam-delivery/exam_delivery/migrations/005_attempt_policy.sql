-- Attempt policy of a blueprint, set by admins (the blueprint itself stays
-- immutable; its policy is not). No row: the service's defaults apply
-- (unlimited attempts, the cool-down of MOCKCERT_ATTEMPT_COOLDOWN_SECONDS,
-- review at once, low-answer share 0.5).
--   max_attempts        attempts a candidate may start at this blueprint (NULL: no limit)
--   cooldown_seconds    wait after the end of the candidate's last attempt at it
--   review_mode         when the review with keys and rationales is shown:
--                       'immediate', 'after_date' (from review_after) or 'never'
--   min_answered_share  attempts with fewer answered questions than this share
--                       are kept but left out of pass rates and item statistics
CREATE TABLE delivery.blueprint_policies (
    blueprint_id       text PRIMARY KEY REFERENCES delivery.blueprints (id),
    max_attempts       integer CHECK (max_attempts >= 1),
    cooldown_seconds   integer NOT NULL CHECK (cooldown_seconds >= 0),
    review_mode        text NOT NULL CHECK (review_mode IN ('immediate', 'after_date', 'never')),
    review_after       timestamptz,
    min_answered_share double precision NOT NULL CHECK (min_answered_share >= 0 AND min_answered_share <= 1),
    updated_by         uuid,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (review_mode <> 'after_date' OR review_after IS NOT NULL)
);

-- A candidate's attempts at one blueprint (the policy's count and cool-down).
CREATE INDEX attempts_by_candidate_blueprint ON delivery.attempts (candidate_id, blueprint_id);
