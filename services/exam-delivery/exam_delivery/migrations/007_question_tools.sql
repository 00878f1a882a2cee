-- The candidate's tools per question, kept with the attempt so they survive a reload and
-- follow the candidate to another device: options struck out, highlights in the stem, a note.
-- They are the candidate's working marks only: never sent to scoring, never a key.
--   struck      option labels (as shown, A-D) the candidate struck out, sorted, no repeats
--   highlights  [[start, end], ...]: character ranges (Unicode code points, end exclusive) of the
--               stem's plain text, sorted and merged (no two overlap or touch), at most 50
--   note        the candidate's note, at most 2,000 characters
-- Written only while `delivery.answer_refusal` allows an answer at that position (migration 006).
CREATE TABLE delivery.question_tools (
    attempt_id uuid NOT NULL REFERENCES delivery.attempts (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 1),
    struck     text[] NOT NULL DEFAULT '{}' CHECK (struck <@ ARRAY['A', 'B', 'C', 'D']),
    highlights jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(highlights) = 'array'
                                                  AND jsonb_array_length(highlights) <= 50),
    note       text NOT NULL DEFAULT '' CHECK (char_length(note) <= 2000),
    saved_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (attempt_id, position)
);

-- Whether the exam screen offers the open code book for a blueprint's attempts (default: on).
ALTER TABLE delivery.blueprints ADD COLUMN code_book boolean NOT NULL DEFAULT true;
