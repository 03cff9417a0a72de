-- 0013 customers, part A: the record itself (CUS-1 … CUS-5, CUS-18). Mapping tables
-- for ID types and contact types, the bank identities that make a customer
-- "existing", contacts with their history, attachments (files on disk) and the
-- configurable required fields behind the missing-information mark.

-- CUS-1 ID types (证件类型): which kind of customer holds them
CREATE TABLE id_types (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('individual', 'corporate')),
    sort     INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 1
);
INSERT INTO id_types (code, name, name_en, kind, sort) VALUES
    ('resident_id', '居民身份证', 'Resident ID card', 'individual', 10),
    ('passport', '护照', 'Passport', 'individual', 20),
    ('hk_macao_permit', '港澳居民来往内地通行证', 'Mainland travel permit (HK/Macao)', 'individual', 30),
    ('taiwan_permit', '台湾居民来往大陆通行证', 'Mainland travel permit (Taiwan)', 'individual', 40),
    ('foreign_permanent', '外国人永久居留身份证', 'Foreign permanent resident ID', 'individual', 50),
    ('uscc', '统一社会信用代码', 'Unified social credit code', 'corporate', 60),
    ('business_licence', '营业执照', 'Business licence', 'corporate', 70);

-- CUS-1 existing vs potential: the identities the bank's systems know (the banking
-- feed fills it, BNK-2). A customer whose ID is here is `existing` (我行客户).
CREATE TABLE bank_identities (
    id_type    TEXT NOT NULL,
    id_number  TEXT NOT NULL,
    core_no    TEXT,                     -- the core-banking customer number
    at         BIGINT NOT NULL,
    PRIMARY KEY (id_type, id_number)
);

-- CUS-2 contact types and contacts; one default per type; every change in history
CREATE TABLE contact_types (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    format   TEXT NOT NULL CHECK (format IN ('mobile', 'phone', 'email', 'text')),
    sort     INTEGER NOT NULL DEFAULT 0,
    active   INTEGER NOT NULL DEFAULT 1
);
INSERT INTO contact_types (code, name, name_en, format, sort) VALUES
    ('mobile', '手机', 'Mobile', 'mobile', 10),
    ('home', '住宅电话', 'Home phone', 'phone', 20),
    ('office', '办公电话', 'Office phone', 'phone', 30),
    ('email', '电子邮箱', 'Email', 'email', 40),
    ('wechat', '微信', 'WeChat', 'text', 50),
    ('qq', 'QQ', 'QQ', 'text', 60);

CREATE TABLE customer_contacts (
    id           INTEGER PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    type         TEXT NOT NULL REFERENCES contact_types(code),
    value        TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    is_default   INTEGER NOT NULL DEFAULT 0,
    created_by   BIGINT REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX customer_contacts_customer ON customer_contacts(customer_id, type);
CREATE UNIQUE INDEX customer_contacts_default ON customer_contacts(customer_id, type) WHERE is_default = 1;

CREATE TABLE customer_contact_history (
    id           INTEGER PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    contact_id   BIGINT NOT NULL,         -- the contact may be deleted since
    action       TEXT NOT NULL CHECK (action IN ('created', 'updated', 'deleted')),
    type         TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    old_note     TEXT,
    new_note     TEXT,
    is_default   INTEGER NOT NULL DEFAULT 0,
    by_user      BIGINT REFERENCES users(id),
    at           BIGINT NOT NULL
);
CREATE INDEX customer_contact_history_customer ON customer_contact_history(customer_id, at);

-- CUS-3 attachments: the bytes are a file under the server's --files-dir
CREATE TABLE customer_attachments (
    id            INTEGER PRIMARY KEY,
    customer_id   BIGINT NOT NULL REFERENCES customers(id),
    filename      TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    path          TEXT NOT NULL,          -- relative to --files-dir
    uploaded_by   BIGINT REFERENCES users(id),
    at            BIGINT NOT NULL
);
CREATE INDEX customer_attachments_customer ON customer_attachments(customer_id, at);

-- CUS-4 the fields that must be filled in (customers.missing_info counts the empty ones)
CREATE TABLE customer_required_fields (
    field  TEXT PRIMARY KEY
);
INSERT INTO customer_required_fields (field) VALUES ('id_number'), ('mobile'), ('address'), ('source');

-- Administrators create, edit and assign customers too (CUS-1, CUS-5)
INSERT INTO role_permissions (role_id, perm)
SELECT r.id, g.perm FROM roles r JOIN (
          SELECT 'system_admin' AS role_code, 'customers.create' AS perm
    UNION ALL SELECT 'system_admin', 'customers.edit'
    UNION ALL SELECT 'system_admin', 'customers.assign'
) g ON g.role_code = r.code
WHERE NOT EXISTS (SELECT 1 FROM role_permissions x WHERE x.role_id = r.id AND x.perm = g.perm);
UPDATE roles SET perm_list = COALESCE((SELECT group_concat(perm, ',') FROM
    (SELECT perm FROM role_permissions rp WHERE rp.role_id = roles.id ORDER BY perm)), '');
