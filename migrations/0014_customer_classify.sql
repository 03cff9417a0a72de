-- 0014 customers issue, part B: attributes (CUS-6), automatic tag rules (CUS-7; tag
-- groups, tags and customer_tags are in 0012), groups (CUS-11), star levels (CUS-17;
-- customers.level holds the code, 0012) and the admin permission customers.settings.
-- Key customers (CUS-16) use customer_stars of 0012.

-- CUS-6 attributes: admin-defined, list values, a note template with blanks 【】
CREATE TABLE customer_attributes (
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    note_template  TEXT NOT NULL DEFAULT '',  -- 'built in 【】, area 【】 m²': each 【】 is a blank
    sort           INTEGER NOT NULL DEFAULT 0,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     BIGINT NOT NULL
);
CREATE TABLE customer_attribute_values (
    id            INTEGER PRIMARY KEY,
    attribute_id  BIGINT NOT NULL REFERENCES customer_attributes(id),
    name          TEXT NOT NULL,
    sort          INTEGER NOT NULL DEFAULT 0,
    active        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (attribute_id, name)
);
-- A customer's value of an attribute and the filled blanks (a JSON array of strings,
-- one per 【】 of the template).
CREATE TABLE customer_attribute_data (
    customer_id   BIGINT NOT NULL REFERENCES customers(id),
    attribute_id  BIGINT NOT NULL REFERENCES customer_attributes(id),
    value_id      BIGINT REFERENCES customer_attribute_values(id),
    blanks        TEXT NOT NULL DEFAULT '[]',
    by_user       BIGINT REFERENCES users(id),
    at            BIGINT NOT NULL,
    PRIMARY KEY (customer_id, attribute_id)
);
CREATE INDEX customer_attribute_data_value ON customer_attribute_data(attribute_id, value_id);

INSERT INTO customer_attributes (code, name, note_template, sort, created_at) VALUES
    ('property',         '房产情况', '位于【】，建于【】年，面积【】平方米，估值【】万元', 10, 1782835200000),
    ('car',              '车辆情况', '品牌【】，购于【】年', 20, 1782835200000),
    ('employer_type',    '单位性质', '', 30, 1782835200000),
    ('job',              '职业',     '从事【】，工作年限【】年', 40, 1782835200000),
    ('salary_form',      '工资发放', '月收入约【】元', 50, 1782835200000),
    ('loans',            '贷款情况', '贷款余额约【】万元', 60, 1782835200000),
    ('marriage',         '婚姻状况', '', 70, 1782835200000),
    ('insurance',        '商业保险', '险种【】', 80, 1782835200000),
    ('social_insurance', '社保',     '', 90, 1782835200000),
    ('education',        '学历',     '', 100, 1782835200000),
    ('household',        '户籍',     '', 110, 1782835200000),
    ('housing_fund',     '公积金',   '月缴存额【】元', 120, 1782835200000);
INSERT INTO customer_attribute_values (attribute_id, name, sort)
SELECT a.id, v.name, v.sort FROM customer_attributes a JOIN (
              SELECT 'property' AS code, '自有无贷' AS name, 10 AS sort
    UNION ALL SELECT 'property', '按揭', 20
    UNION ALL SELECT 'property', '无房产', 30
    UNION ALL SELECT 'car', '有车无贷', 10
    UNION ALL SELECT 'car', '按揭', 20
    UNION ALL SELECT 'car', '无车', 30
    UNION ALL SELECT 'employer_type', '机关事业单位', 10
    UNION ALL SELECT 'employer_type', '国有企业', 20
    UNION ALL SELECT 'employer_type', '民营企业', 30
    UNION ALL SELECT 'employer_type', '个体工商户', 40
    UNION ALL SELECT 'employer_type', '务农', 50
    UNION ALL SELECT 'employer_type', '其他', 60
    UNION ALL SELECT 'job', '公务员', 10
    UNION ALL SELECT 'job', '教师', 20
    UNION ALL SELECT 'job', '医生', 30
    UNION ALL SELECT 'job', '企业职工', 40
    UNION ALL SELECT 'job', '个体经营', 50
    UNION ALL SELECT 'job', '农户', 60
    UNION ALL SELECT 'job', '退休', 70
    UNION ALL SELECT 'job', '其他', 80
    UNION ALL SELECT 'salary_form', '本行代发', 10
    UNION ALL SELECT 'salary_form', '他行代发', 20
    UNION ALL SELECT 'salary_form', '现金发放', 30
    UNION ALL SELECT 'salary_form', '无固定收入', 40
    UNION ALL SELECT 'loans', '无贷款', 10
    UNION ALL SELECT 'loans', '本行贷款', 20
    UNION ALL SELECT 'loans', '他行贷款', 30
    UNION ALL SELECT 'loans', '多家贷款', 40
    UNION ALL SELECT 'marriage', '未婚', 10
    UNION ALL SELECT 'marriage', '已婚', 20
    UNION ALL SELECT 'marriage', '离异', 30
    UNION ALL SELECT 'marriage', '丧偶', 40
    UNION ALL SELECT 'insurance', '有', 10
    UNION ALL SELECT 'insurance', '无', 20
    UNION ALL SELECT 'social_insurance', '本地缴纳', 10
    UNION ALL SELECT 'social_insurance', '外地缴纳', 20
    UNION ALL SELECT 'social_insurance', '未缴纳', 30
    UNION ALL SELECT 'education', '初中及以下', 10
    UNION ALL SELECT 'education', '高中/中专', 20
    UNION ALL SELECT 'education', '大专', 30
    UNION ALL SELECT 'education', '本科', 40
    UNION ALL SELECT 'education', '硕士及以上', 50
    UNION ALL SELECT 'household', '本地城镇', 10
    UNION ALL SELECT 'household', '本地农村', 20
    UNION ALL SELECT 'household', '外地', 30
    UNION ALL SELECT 'housing_fund', '本行缴存', 10
    UNION ALL SELECT 'housing_fund', '他行缴存', 20
    UNION ALL SELECT 'housing_fund', '未缴存', 30
) v ON v.code = a.code;

-- CUS-7 automatic tagging: a rule gives its tag to the customers matching its
-- conditions (a JSON object of AND-combined conditions over customer fields); the
-- job (`fincrm jobs run tag-rules`) adds the tag where they hold and removes the
-- rule-set tags (customer_tags.by_user NULL) where they no longer do.
CREATE TABLE tag_rules (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    tag_id        BIGINT NOT NULL REFERENCES tags(id),
    conditions    TEXT NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT NOT NULL,
    last_run_at   BIGINT,
    last_matched  BIGINT                    -- customers holding the tag through rules after the last run
);
CREATE INDEX tag_rules_tag ON tag_rules(tag_id);

-- CUS-11 groups: a user's own groups (owner_id) and system groups (owner_id NULL, shared)
CREATE TABLE customer_groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    owner_id    BIGINT REFERENCES users(id),
    created_by  BIGINT REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX customer_groups_owner ON customer_groups(owner_id);
CREATE TABLE customer_group_members (
    group_id     BIGINT NOT NULL REFERENCES customer_groups(id),
    customer_id  BIGINT NOT NULL REFERENCES customers(id),
    added_by     BIGINT REFERENCES users(id),
    at           BIGINT NOT NULL,
    PRIMARY KEY (group_id, customer_id)
);
CREATE INDEX customer_group_members_customer ON customer_group_members(customer_id);

-- CUS-17 star levels with their revisit interval; customers.level holds the code
CREATE TABLE customer_levels (
    id            INTEGER PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    revisit_days  INTEGER NOT NULL,
    sort          INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);
INSERT INTO customer_levels (code, name, revisit_days, sort, created_at) VALUES
    ('A', 'A 级（核心）', 7, 10, 1782835200000),
    ('B', 'B 级（重要）', 10, 20, 1782835200000),
    ('C', 'C 级（成长）', 15, 30, 1782835200000),
    ('D', 'D 级（一般）', 20, 40, 1782835200000);
ALTER TABLE customers ADD COLUMN level_set_at BIGINT;  -- when the level was last set (next revisit = this + interval)

-- the admin's configuration of all of the above
INSERT INTO role_permissions (role_id, perm) SELECT id, 'customers.settings' FROM roles WHERE code = 'system_admin';
UPDATE roles SET perm_list = COALESCE((SELECT group_concat(perm, ',') FROM
    (SELECT perm FROM role_permissions rp WHERE rp.role_id = roles.id ORDER BY perm)), '')
    WHERE code = 'system_admin';
