-- The attempt policy as it stood when the attempt was submitted (from the
-- `attempt.submitted` event): when the candidate may see the review with keys
-- and rationales, and whether too few questions were answered for the attempt
-- to count in pass rates and item statistics (it is kept and shown to the
-- candidate all the same). Results stored before this migration: review at
-- once, and low-answer by the default share (fewer than half answered).
ALTER TABLE scoring.results
    ADD COLUMN review_mode text NOT NULL DEFAULT 'immediate'
        CHECK (review_mode IN ('immediate', 'after_date', 'never')),
    ADD COLUMN review_after timestamptz,
    ADD COLUMN low_answer boolean NOT NULL DEFAULT false;
UPDATE scoring.results SET low_answer = answered_count < 0.5 * question_count;
