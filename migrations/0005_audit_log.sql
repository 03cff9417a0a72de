-- 0005 audit log (AUTH-7): append-only and hash-chained. Each row's hash covers its
-- fields and the previous row's hash, so editing or deleting a row breaks the chain
-- (`fincrm audit verify`); triggers refuse UPDATE and DELETE outright.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           BIGINT NOT NULL,             -- Unix milliseconds
    user_id      BIGINT,                      -- NULL: nobody signed in (e.g. unknown username)
    username     TEXT NOT NULL,
    ip           TEXT NOT NULL,
    action       TEXT NOT NULL,               -- login, login_failed, logout …
    object_type  TEXT NOT NULL,
    object_id    TEXT NOT NULL,
    detail       TEXT NOT NULL,               -- JSON: reason, before/after
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_user_at ON audit_log(user_id, at);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
