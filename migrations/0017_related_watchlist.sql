-- 0017 related parties (CUS-14) and the black and grey lists (CUS-15).

-- CUS-14: one row per link, read from both ends. `kind` is what the related party is
-- to the customer (related_id is the customer's spouse, parent, employer, guarantor,
-- shareholder …); seen from the related customer the same row reads as the inverse
-- kind (child ↔ parent, employee ↔ employer, guaranteed ↔ guarantor, holding ↔
-- shareholder). A related party is either a customer (related_id) or a person who is
-- not a customer (name, ID type and number, phone).
CREATE TABLE customer_relations (
    id           INTEGER PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    kind         TEXT NOT NULL CHECK (kind IN ('spouse', 'parent', 'child', 'sibling', 'employer', 'employee',
                                                'guarantor', 'guaranteed', 'shareholder', 'holding')),
    related_id   BIGINT REFERENCES customers(id),
    name         TEXT,
    id_type      TEXT,
    id_number    TEXT,
    phone        TEXT,
    share_bp     INTEGER,                       -- shareholding: basis points (2550 = 25.5 %)
    note         TEXT,
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    CHECK ((related_id IS NULL AND name IS NOT NULL) OR (related_id IS NOT NULL AND name IS NULL))
);
CREATE INDEX customer_relations_customer ON customer_relations(customer_id);
CREATE INDEX customer_relations_related ON customer_relations(related_id);
CREATE INDEX customer_relations_person ON customer_relations(id_number);

-- CUS-15: province-wide entries keyed by ID type + number; an entry is never deleted,
-- removing it records who and why (the history of an ID is all its rows). At most
-- one active entry per ID; customers.watch_list mirrors the active entry's list.
CREATE TABLE watchlist_entries (
    id              INTEGER PRIMARY KEY,
    list            TEXT NOT NULL CHECK (list IN ('black', 'grey')),
    id_type         TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    name            TEXT NOT NULL,
    reason          TEXT NOT NULL,
    source          TEXT,
    added_by        BIGINT REFERENCES users(id),
    added_at        BIGINT NOT NULL,
    removed_by      BIGINT REFERENCES users(id),
    removed_at      BIGINT,
    removed_reason  TEXT
);
CREATE UNIQUE INDEX watchlist_active ON watchlist_entries(id_type, id_number) WHERE removed_at IS NULL;
CREATE INDEX watchlist_number ON watchlist_entries(id_number);
CREATE INDEX watchlist_name ON watchlist_entries(name);
CREATE INDEX customers_watch_list ON customers(watch_list) WHERE watch_list IS NOT NULL;

-- Maintaining the lists: administrators and the province union's management post (ORG-5).
INSERT INTO role_permissions (role_id, perm)
SELECT r.id, 'customers.watchlist' FROM roles r WHERE r.code IN ('system_admin', 'province_manager')
AND NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.perm = 'customers.watchlist');
UPDATE roles SET perm_list = COALESCE((SELECT group_concat(perm, ',') FROM
    (SELECT perm FROM role_permissions rp WHERE rp.role_id = roles.id ORDER BY perm)), '');
