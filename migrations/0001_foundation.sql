-- 0001 foundation: organisation units, positions, roles, users and sessions
-- (ORG-1, ORG-2, AUTH-1, AUTH-3). Timestamps are Unix milliseconds; booleans 0/1.

CREATE TABLE org_units (
    id          INTEGER PRIMARY KEY,
    parent_id   BIGINT REFERENCES org_units(id),
    code        TEXT NOT NULL UNIQUE,          -- the code upstream systems use (OA org id)
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'county', 'branch', 'outlet',
                                              'company', 'center', 'department', 'team')),
    path        TEXT NOT NULL,                 -- '/1/12/130/': ancestors and self, for subtree scope
    sort_order  INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_at  BIGINT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

CREATE TABLE roles (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    data_scope  TEXT NOT NULL CHECK (data_scope IN ('self', 'self_and_reports', 'unit', 'subtree', 'all'))
);

CREATE TABLE positions (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role_id       BIGINT NOT NULL REFERENCES roles(id),
    is_custodian  INTEGER NOT NULL DEFAULT 0   -- ORG-2: may hold custody of customers
);

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY,
    username              TEXT NOT NULL UNIQUE,
    password_hash         TEXT NOT NULL,       -- argon2id, libsodium crypto_pwhash_str
    display_name          TEXT NOT NULL,
    phone                 TEXT,
    unit_id               BIGINT NOT NULL REFERENCES org_units(id),
    position_id           BIGINT NOT NULL REFERENCES positions(id),
    reports_to            BIGINT REFERENCES users(id),
    credit_id             TEXT,                -- id in the credit system (MOB-2)
    status                TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    must_change_password  INTEGER NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE INDEX users_unit ON users(unit_id);
CREATE INDEX users_reports_to ON users(reports_to);

-- The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users(id),
    csrf_token    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
