-- 0009 suggestions (MOB-2) and audit search (AUTH-7). Staff send defects, ideas for
-- improvement and new needs; holders of suggestions.manage read and answer them.
-- The audit log gets indexes for the admins' search by user and by action.
CREATE TABLE suggestions (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL CHECK (kind IN ('defect', 'improvement', 'need')),
    title        TEXT NOT NULL,               -- at most 100 characters (checked in C)
    body         TEXT NOT NULL,               -- at most 2000 characters
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
    answer       TEXT,
    answered_by  BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,             -- Unix milliseconds
    answered_at  BIGINT
);
CREATE INDEX suggestions_user ON suggestions(user_id, id);
CREATE INDEX suggestions_status ON suggestions(status, id);

CREATE INDEX audit_log_username_at ON audit_log(username, at);
CREATE INDEX audit_log_action_at ON audit_log(action, at);
