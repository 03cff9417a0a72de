-- 0016 customer import (CUS-12): one row per import with its options and progress,
-- the uploaded file until the import is done, and the rows it could not take.
-- A worker commits each batch of rows together with the progress row, so that an
-- import cut off by a crash resumes after the last committed batch (no row lost,
-- none twice).

CREATE TABLE customer_imports (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id),   -- the importer
    ip           TEXT NOT NULL DEFAULT '',
    filename     TEXT NOT NULL DEFAULT '',
    format       TEXT NOT NULL CHECK (format IN ('csv', 'xlsx')),
    state        TEXT NOT NULL CHECK (state IN ('uploaded', 'running', 'done', 'failed')),
    total_rows   BIGINT NOT NULL DEFAULT 0,   -- data rows of the file that are not blank
    options      TEXT NOT NULL DEFAULT '{}',  -- JSON: mapping, match, on_match, target
    target       TEXT,                        -- 'me' | 'user' | 'unit' (the pools issue adds pools)
    target_user  BIGINT REFERENCES users(id),
    target_unit  BIGINT REFERENCES org_units(id),
    position     BIGINT NOT NULL DEFAULT 0,   -- data records of the file consumed (blank ones too)
    processed    BIGINT NOT NULL DEFAULT 0,
    inserted     BIGINT NOT NULL DEFAULT 0,
    updated      BIGINT NOT NULL DEFAULT 0,
    skipped      BIGINT NOT NULL DEFAULT 0,
    failed       BIGINT NOT NULL DEFAULT 0,
    error        TEXT,                        -- why the whole import stopped (state 'failed')
    created_at   BIGINT NOT NULL,
    started_at   BIGINT,
    finished_at  BIGINT
);
CREATE INDEX customer_imports_user ON customer_imports(user_id, created_at);
CREATE INDEX customer_imports_state ON customer_imports(state);

-- the uploaded bytes, base64; deleted when the import is done
CREATE TABLE customer_import_files (
    import_id  BIGINT PRIMARY KEY REFERENCES customer_imports(id),
    data       TEXT NOT NULL
);

-- the error report: one line per row skipped or refused, the first reason found
CREATE TABLE customer_import_errors (
    import_id  BIGINT NOT NULL REFERENCES customer_imports(id),
    row_no     BIGINT NOT NULL,               -- row of the file (the header is row 1)
    field      TEXT NOT NULL DEFAULT '',      -- the customer field (its column is in the report)
    value      TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL,                 -- a reason code; the report words it
    skipped    INTEGER NOT NULL DEFAULT 0,    -- 1: a duplicate/match skipped, 0: refused
    PRIMARY KEY (import_id, row_no)
);

-- Import and export belong to the administrator by default (CUS-13); others get
-- them through the role editor.
INSERT INTO role_permissions (role_id, perm)
SELECT r.id, g.perm FROM roles r JOIN (
          SELECT 'system_admin' AS role_code, 'customers.import' AS perm
    UNION ALL SELECT 'system_admin', 'customers.export'
) g ON g.role_code = r.code
WHERE NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.perm = g.perm);
UPDATE roles SET perm_list = COALESCE((SELECT group_concat(perm, ',') FROM
    (SELECT perm FROM role_permissions rp WHERE rp.role_id = roles.id ORDER BY perm)), '');
