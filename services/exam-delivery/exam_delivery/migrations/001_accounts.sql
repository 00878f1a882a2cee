-- Accounts live with delivery: the time multiplier (an accommodation) is read
-- every time a deadline is computed, so it belongs next to the attempts.
CREATE SCHEMA IF NOT EXISTS delivery;

CREATE TABLE delivery.users (
    id              uuid PRIMARY KEY,
    username        text NOT NULL,
    password_hash   text NOT NULL,
    role            text NOT NULL CHECK (role IN ('candidate', 'instructor', 'admin')),
    display_name    text NOT NULL DEFAULT '',
    time_multiplier double precision NOT NULL DEFAULT 1.0
                    CHECK (time_multiplier >= 1.0 AND time_multiplier <= 4.0),
    group_name      text NOT NULL DEFAULT '',
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_lower ON delivery.users (lower(username));
