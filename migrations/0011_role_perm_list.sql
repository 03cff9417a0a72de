-- 0011 the permissions of each role as one sorted, comma-separated text, kept beside
-- role_permissions by the role editor (org_sql_role_set_perms) in the same
-- transaction, so that loading a session reads the caller's access in one row.
ALTER TABLE roles ADD COLUMN perm_list TEXT NOT NULL DEFAULT '';
UPDATE roles SET perm_list = COALESCE((SELECT group_concat(perm, ',') FROM
    (SELECT perm FROM role_permissions rp WHERE rp.role_id = roles.id ORDER BY perm)), '');
