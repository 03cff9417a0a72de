-- 0011 the permissions of each role as one text (see 0011_role_perm_list.sql).
ALTER TABLE roles ADD COLUMN perm_list TEXT NOT NULL DEFAULT '';
UPDATE roles SET perm_list = COALESCE((SELECT string_agg(perm, ',' ORDER BY perm) FROM role_permissions rp
    WHERE rp.role_id = roles.id), '');
