-- Login guard: one canonical form of a username, a login throttle shared by
-- every replica, and single tokens ended by "Log out".

-- The canonical form (NFKC, then case folded: exam_delivery/usernames.py) is
-- what lookup and the throttle use; `username` keeps the spelling shown.
-- Names were limited to ASCII letters, digits and . _ @ - before this version
-- (a case-insensitive unique index), where the canonical form is lower():
-- those rows cannot collide. Only the bootstrap admin (MOCKCERT_ADMIN_USER)
-- could have another name: such a row gets a canonical form no login can
-- produce (it contains ':'), so it no longer logs in by name rather than
-- risking a second spelling that reaches it past its lockout.
ALTER TABLE delivery.users ADD COLUMN username_canonical text;
UPDATE delivery.users SET username_canonical =
    CASE WHEN username ~ '^[A-Za-z0-9._@-]{3,64}$' THEN lower(username) ELSE 'invalid:' || id::text END;
ALTER TABLE delivery.users ALTER COLUMN username_canonical SET NOT NULL;
CREATE UNIQUE INDEX users_username_canonical ON delivery.users (username_canonical);

-- Login attempts per key ('user:<canonical name>' or 'addr:<client address>')
-- in a fixed window that starts with the key's first attempt. An attempt is
-- reserved here before its password is checked; a success gives its own
-- reservation back. Rows whose window has ended are pruned; a live one never.
CREATE TABLE delivery.login_throttle (
    key          text PRIMARY KEY,
    window_start timestamptz NOT NULL,
    attempts     integer NOT NULL CHECK (attempts >= 0)
);
CREATE INDEX login_throttle_window ON delivery.login_throttle (window_start);

-- Single tokens ended by "Log out", until they expire anyway. They share the
-- revocation sequence with the token generations of delivery.users, so the
-- other services follow both through one cursor (/internal/revocations).
CREATE TABLE delivery.revoked_tokens (
    jti         text PRIMARY KEY,
    user_id     uuid NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_seq bigint NOT NULL DEFAULT nextval('delivery.revocation_seq')
);
CREATE INDEX revoked_tokens_seq ON delivery.revoked_tokens (revoked_seq);
CREATE INDEX revoked_tokens_expiry ON delivery.revoked_tokens (expires_at);
