-- 0004 login lockout (AUTH-2): consecutive failed logins and the time a lock ends.
ALTER TABLE users ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until BIGINT NOT NULL DEFAULT 0;
