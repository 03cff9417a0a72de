-- 0012 customers issue, the shared skeleton (CUS-1, CUS-3, CUS-4, CUS-5, CUS-7,
-- CUS-8, CUS-15, CUS-17, CUS-18). Later migrations of the same issue add the tables
-- of one part each; the columns and tables here are read by several parts.

-- CUS-1 master fields beyond 0002
ALTER TABLE customers ADD COLUMN occupation TEXT;
ALTER TABLE customers ADD COLUMN employer TEXT;
ALTER TABLE customers ADD COLUMN source TEXT;                 -- code of a configured source
ALTER TABLE customers ADD COLUMN name_initials TEXT;          -- CUS-8: pinyin initials, 'zs' for 张三
ALTER TABLE customers ADD COLUMN level TEXT;                  -- CUS-17: star level code (A/B/C/D)
ALTER TABLE customers ADD COLUMN watch_list TEXT CHECK (watch_list IN ('black', 'grey')); -- CUS-15
ALTER TABLE customers ADD COLUMN missing_info INTEGER NOT NULL DEFAULT 0; -- CUS-4: required fields left empty
ALTER TABLE customers ADD COLUMN manager_share INTEGER NOT NULL DEFAULT 10000; -- CUS-18: primary's share, basis points
ALTER TABLE customers ADD COLUMN created_by BIGINT REFERENCES users(id);

-- CUS-3, CUS-5, CUS-18: everyone linked to a customer besides the primary custodian
-- (customers.manager_id). Every linked user sees the customer whatever their data
-- scope; assistants are custodians (CUS-5), collectors and referrers see it (CUS-3).
CREATE TABLE customer_staff (
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    role         TEXT NOT NULL CHECK (role IN ('assistant', 'collector', 'referrer')),
    share        INTEGER NOT NULL DEFAULT 0,   -- CUS-18, basis points; assistants only
    since        BIGINT NOT NULL,
    PRIMARY KEY (customer_id, user_id, role)
);
CREATE INDEX customer_staff_user ON customer_staff(user_id, customer_id);

-- CUS-7 tags: groups (single or multi select) and the tags of each customer
CREATE TABLE tag_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    multi       INTEGER NOT NULL DEFAULT 1,     -- 0: at most one tag of the group per customer
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE TABLE tags (
    id          INTEGER PRIMARY KEY,
    group_id    BIGINT NOT NULL REFERENCES tag_groups(id),
    name        TEXT NOT NULL,
    color       TEXT NOT NULL DEFAULT '',
    sort        INTEGER NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    UNIQUE (group_id, name)
);
CREATE TABLE customer_tags (
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    tag_id       BIGINT NOT NULL REFERENCES tags(id),
    by_user      BIGINT REFERENCES users(id),   -- NULL: set by an automatic rule
    at           BIGINT NOT NULL,
    PRIMARY KEY (customer_id, tag_id)
);
CREATE INDEX customer_tags_tag ON customer_tags(tag_id, customer_id);

-- CUS-1, CUS-12: the configured customer sources (import and the create form check against them)
CREATE TABLE customer_sources (
    code    TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    sort    INTEGER NOT NULL DEFAULT 0,
    active  INTEGER NOT NULL DEFAULT 1
);
INSERT INTO customer_sources (code, name, sort) VALUES
    ('walk_in', '网点到访', 10), ('referral', '客户转介', 20), ('marketing', '营销活动', 30),
    ('phone', '电话营销', 40), ('online', '线上渠道', 50), ('import', '批量导入', 60), ('core', '核心系统', 70);

-- CUS-16 key customers: a user's star with a colour, on the customer (not the custodian)
CREATE TABLE customer_stars (
    user_id      BIGINT NOT NULL REFERENCES users(id),
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    color        TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (user_id, customer_id)
);
CREATE INDEX customer_stars_customer ON customer_stars(customer_id);
