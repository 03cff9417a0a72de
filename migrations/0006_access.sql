-- 0006 access control (ORG-3, ORG-6): the permissions each role holds and the
-- field rules of each role. Permission codes are the catalogue in src/org/access.c;
-- a role holds a permission when a row exists. Field rules are sparse: a field
-- without a row is editable and, when sensitive, masked everywhere (the AUTH-8
-- default); other fields are never masked unless a rule says so.

CREATE TABLE role_permissions (
    role_id  BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    perm     TEXT NOT NULL,
    PRIMARY KEY (role_id, perm)
);

CREATE TABLE field_rules (
    role_id  BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
    field    TEXT NOT NULL,
    access   TEXT NOT NULL CHECK (access IN ('hidden', 'read', 'edit')),
    masking  TEXT NOT NULL CHECK (masking IN ('none', 'list', 'all')),
    PRIMARY KEY (role_id, field)
);

ALTER TABLE roles ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE roles ADD COLUMN builtin INTEGER NOT NULL DEFAULT 0;
UPDATE roles SET builtin = 1;

-- Starting grants. Admins change them in the role editor.
INSERT INTO role_permissions (role_id, perm)
SELECT r.id, g.perm FROM roles r JOIN (
          SELECT 'system_admin' AS role_code, 'org.manage' AS perm
    UNION ALL SELECT 'system_admin', 'users.view'
    UNION ALL SELECT 'system_admin', 'users.manage'
    UNION ALL SELECT 'system_admin', 'roles.manage'
    UNION ALL SELECT 'system_admin', 'audit.view'
    UNION ALL SELECT 'system_admin', 'suggestions.manage'
    UNION ALL SELECT 'system_admin', 'staff.handover'
    UNION ALL SELECT 'system_admin', 'customers.view'
    UNION ALL SELECT 'system_admin', 'customers.reveal'
    UNION ALL SELECT 'province_manager', 'customers.view'
    UNION ALL SELECT 'province_manager', 'customers.reveal'
    UNION ALL SELECT 'province_manager', 'customers.export'
    UNION ALL SELECT 'province_manager', 'users.view'
    UNION ALL SELECT 'province_manager', 'audit.view'
    UNION ALL SELECT 'county_manager', 'customers.view'
    UNION ALL SELECT 'county_manager', 'customers.reveal'
    UNION ALL SELECT 'county_manager', 'customers.assign'
    UNION ALL SELECT 'county_manager', 'customers.export'
    UNION ALL SELECT 'county_manager', 'users.view'
    UNION ALL SELECT 'county_manager', 'staff.handover'
    UNION ALL SELECT 'branch_manager', 'customers.view'
    UNION ALL SELECT 'branch_manager', 'customers.create'
    UNION ALL SELECT 'branch_manager', 'customers.edit'
    UNION ALL SELECT 'branch_manager', 'customers.assign'
    UNION ALL SELECT 'branch_manager', 'customers.reveal'
    UNION ALL SELECT 'branch_manager', 'users.view'
    UNION ALL SELECT 'branch_manager', 'approvals.approve'
    UNION ALL SELECT 'custodian', 'customers.view'
    UNION ALL SELECT 'custodian', 'customers.create'
    UNION ALL SELECT 'custodian', 'customers.edit'
    UNION ALL SELECT 'staff', 'customers.view'
    UNION ALL SELECT 'staff', 'customers.create'
) g ON g.role_code = r.code;

-- AUTH-8: ID numbers and phones are masked in lists and on the full record for
-- everyone who is not the customer's custodian; the lobby staff role does not see
-- addresses at all.
INSERT INTO field_rules (role_id, field, access, masking)
SELECT r.id, f.field, f.access, f.masking FROM roles r JOIN (
          SELECT 'id_number' AS field, 'read' AS access, 'all' AS masking
    UNION ALL SELECT 'mobile', 'edit', 'all'
) f ON 1 = 1 WHERE r.code <> 'system_admin';
INSERT INTO field_rules (role_id, field, access, masking)
SELECT id, 'address', 'hidden', 'none' FROM roles WHERE code = 'staff';
