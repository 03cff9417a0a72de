-- 0010 staff leave (ORG-7): one row per handover, and the custody history of every
-- customer it moved (the pools issue adds its own reasons to the same history).
CREATE TABLE handovers (
    id         INTEGER PRIMARY KEY,
    from_user  BIGINT NOT NULL REFERENCES users(id),
    to_user    BIGINT NOT NULL REFERENCES users(id),
    by_user    BIGINT NOT NULL REFERENCES users(id),
    note       TEXT NOT NULL DEFAULT '',
    customers  BIGINT NOT NULL DEFAULT 0,
    tasks      BIGINT NOT NULL DEFAULT 0,
    approvals  BIGINT NOT NULL DEFAULT 0,
    at         BIGINT NOT NULL
);
CREATE INDEX handovers_at ON handovers(at);

CREATE TABLE custody_history (
    id           INTEGER PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    from_user    BIGINT REFERENCES users(id),
    to_user      BIGINT REFERENCES users(id),
    reason       TEXT NOT NULL,                 -- 'handover', later 'assign', 'claim', 'release', 'transfer'
    handover_id  BIGINT REFERENCES handovers(id),
    at           BIGINT NOT NULL
);
CREATE INDEX custody_history_customer ON custody_history(customer_id, at);
