-- 0007 login security: image captchas and login throttling (AUTH-2), step-up
-- confirmation stamped on the session (AUTH-5), device binding (AUTH-4).
-- Portable SQL: the same text runs on SQLite and PostgreSQL.

-- One row per captcha image handed out: single use, 5 minutes. In the database so
-- that any server behind the load balancer can check an answer another one drew.
CREATE TABLE captchas (
    id          TEXT PRIMARY KEY,          -- random token the client sends back
    answer      TEXT NOT NULL,             -- upper case; checked case-insensitively
    expires_at  BIGINT NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX captchas_expires ON captchas(expires_at);

-- Counters of login attempts, one row per (kind, subject):
--   ip       attempts from one client address in a fixed window (rate limit)
--   user     attempts for one typed username in a fixed window (rate limit)
--   captcha  captcha images drawn for one client address in a fixed window
--   fail     consecutive failed logins of one typed username, known or not (captcha
--            after 3); window_start is the last failure
CREATE TABLE login_throttle (
    kind          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    window_start  BIGINT NOT NULL,
    hits          INTEGER NOT NULL,
    PRIMARY KEY (kind, subject)
);

ALTER TABLE users ADD COLUMN device_binding INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN device_key_hash TEXT;  -- SHA-256 (hex) of the bound device key

ALTER TABLE sessions ADD COLUMN stepped_up_at BIGINT NOT NULL DEFAULT 0;
