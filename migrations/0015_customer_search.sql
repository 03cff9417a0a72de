-- 0015 customer search, saved filters and the work panel (CUS-8, CUS-9, PERF).
-- name_initials is filled in C (src/customers/pinyin.c): new rows by their writers,
-- existing rows by the backfill that runs after the migrations (customers_backfill_initials).

-- CUS-8 quick search: one index per kind of query text (pinyin.h quick_classify);
-- mobile, id_number and customer_no have theirs since 0002. Initials and name carry
-- the unit too: a search inside a county tests the unit without reading the row.
CREATE INDEX customers_initials ON customers(name_initials, unit_id);
DROP INDEX customers_name;
CREATE INDEX customers_name ON customers(name, unit_id);
-- A custodian's search (scope self) within their own customers, in the searched order.
CREATE INDEX customers_manager_initials ON customers(manager_id, name_initials);
CREATE INDEX customers_manager_name ON customers(manager_id, name);
-- Lists sorted by creation time inside a custodian's or a unit's customers.
CREATE INDEX customers_created ON customers(created_at);

-- CUS-8 saved filters: a user's named set of list query parameters (a JSON object).
CREATE TABLE customer_saved_filters (
    id          INTEGER PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    params      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (user_id, name)
);

-- CUS-9 work panel: the columns a user chose for customer lists, in order
-- (comma-separated field codes; the system columns are always first and not stored).
CREATE TABLE customer_list_columns (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id),
    columns     TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
