-- "May this answer be written now?" has one home: this function. The save
-- statement writes only where it returns NULL, and the refusal path reads its
-- reason from it, on the database's clock (`at`), for the attempt row `a`:
--   'no_question'    the position is not on the form
--   'closed'         the attempt is submitted or expired
--   'time_over'      the deadline has passed
--   'part_upcoming'  the position's part is not open yet
--   'part_closed'    the position's part is over (closed early or out of time)
-- A single CASE over the row's columns: the planner inlines it into the statements.
CREATE FUNCTION delivery.answer_refusal(a delivery.attempts, pos integer, at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN pos < 1 OR pos > a.question_count THEN 'no_question'
        WHEN a.status <> 'in_progress' THEN 'closed'
        WHEN a.deadline <= at THEN 'time_over'
        WHEN cardinality(a.part_ends) = 0 THEN NULL
        WHEN delivery.part_of(a.part_ends, pos)
             > delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed, at)
            THEN 'part_upcoming'
        WHEN delivery.part_of(a.part_ends, pos)
             < delivery.current_part(a.started_at, a.time_multiplier, a.part_cum_seconds, a.parts_closed, at)
            THEN 'part_closed'
    END
$$;

-- When each part closes by the clock (whole seconds, the limit x the multiplier rounded up),
-- as `delivery.current_part` counts them: what the attempt's state shows as `closes_at`.
CREATE FUNCTION delivery.part_close_times(started timestamptz, multiplier double precision, cum integer[])
RETURNS timestamptz[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(started + make_interval(secs => ceil(c * multiplier)) ORDER BY o), '{}')
    FROM unnest(cum) WITH ORDINALITY AS u(c, o)
$$;

-- The 0-based part of each position of a form of `question_count` questions.
CREATE FUNCTION delivery.position_parts(ends integer[], question_count integer) RETURNS integer[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(delivery.part_of(ends, p) ORDER BY p), '{}')
    FROM generate_series(1, question_count) AS p
$$;
