-- Tokens are verified locally by every service; raising an account's token
-- generation (on disable, role change or password reset) revokes the tokens
-- issued before. revoked_seq orders those changes for the services that follow
-- them through /internal/revocations.
CREATE SEQUENCE delivery.revocation_seq;

ALTER TABLE delivery.users
    ADD COLUMN token_gen   integer NOT NULL DEFAULT 0,
    ADD COLUMN revoked_seq bigint;

CREATE INDEX users_revoked_seq ON delivery.users (revoked_seq) WHERE revoked_seq IS NOT NULL;
