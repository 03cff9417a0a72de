-- 0003 default roles and the bank positions of ORG-2. The position → role mapping
-- is data: admins change it (identity issue), this is only the starting point.

INSERT INTO roles (code, name, data_scope) VALUES
    ('system_admin',     '系统管理员',       'all'),
    ('province_manager', '联社管理岗',       'all'),
    ('county_manager',   '市县行管理岗',     'subtree'),
    ('branch_manager',   '支行管理岗',       'subtree'),
    ('custodian',        '管护客户经理',     'self'),
    ('staff',            '营业人员',         'self');

INSERT INTO positions (code, name, role_id, is_custodian)
SELECT p.code, p.name, r.id, p.is_custodian
FROM (SELECT 'system_admin' AS code, '系统管理员' AS name, 'system_admin' AS role_code, 0 AS is_custodian
      UNION ALL SELECT 'province_admin',   '联社管理岗',         'province_manager', 0
      UNION ALL SELECT 'county_admin',     '市县行管理岗',       'county_manager',   0
      UNION ALL SELECT 'branch_admin',     '支行管理岗',         'branch_manager',   0
      UNION ALL SELECT 'branch_head',      '支行行长',           'branch_manager',   1
      UNION ALL SELECT 'lobby_manager',    '大堂经理',           'staff',            0
      UNION ALL SELECT 'customer_manager', '客户经理',           'staff',            0
      UNION ALL SELECT 'loan_manager',     '个贷经理',           'staff',            0
      UNION ALL SELECT 'wealth_manager',   '理财经理',           'custodian',        1
      UNION ALL SELECT 'wealth_adviser',   '财富顾问',           'custodian',        1
      UNION ALL SELECT 'private_banker',   '私人银行客户经理',   'custodian',        1) p
JOIN roles r ON r.code = p.role_code;
