-- 0002 customers: the master record every module refers to (CUS-1, CUS-2).
-- The customers issue extends it with contacts, custody, tags and attributes.

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    customer_no  TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL CHECK (kind IN ('individual', 'corporate')),
    status       TEXT NOT NULL CHECK (status IN ('potential', 'existing')),
    name         TEXT NOT NULL,
    gender       TEXT CHECK (gender IN ('M', 'F')),
    birth_date   TEXT,                          -- YYYY-MM-DD
    id_type      TEXT NOT NULL,                 -- resident_id | uscc (unified social credit code)
    id_number    TEXT,
    mobile       TEXT,
    address      TEXT,
    unit_id      BIGINT NOT NULL REFERENCES org_units(id),
    manager_id   BIGINT REFERENCES users(id),   -- primary custodian
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX customers_unit ON customers(unit_id);
CREATE INDEX customers_manager ON customers(manager_id);
CREATE INDEX customers_mobile ON customers(mobile);
CREATE INDEX customers_id_number ON customers(id_number);
CREATE INDEX customers_name ON customers(name);
