-- The order the options were shown in, per position: 4 bytes, byte i = the
-- original option (0..3 = A..D) shown under label i. NULL means unshuffled.
-- `choices` and `keys` hold ORIGINAL options (so item statistics compare like
-- with like across candidates); this column gives back the labels each
-- candidate saw, for their review.
ALTER TABLE scoring.results ADD COLUMN orders bytea
    CHECK (orders IS NULL OR length(orders) = 4 * question_count);
