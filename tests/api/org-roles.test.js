// ORG-3 ORG-4 ORG-6 ORG-2 roles and positions over HTTP, on both backends: the
// catalogue a role can hold; roles with permissions, data scope and field rules;
// refused values name their field; changes are audited before/after; built-in and
// used roles stay; a change to a role or to a position's mapping takes effect on
// the very next request of its signed-in users.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, sql, sqlValue, auditOf, assertError, assertSchema, newUser } from './lib/org.js';

let admin;
const h = useServer({
  before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach,
}, { customers: 20 });
const ROLES = '/api/v1/roles';
const POSITIONS = '/api/v1/positions';
let seq = 0;
const code = (p = 'r') => `${p}_${process.pid % 1000}_${++seq}`;

async function roleByCode(c) {
  const res = await admin.get(ROLES);
  assert.equal(res.status, 200, res.text);
  return res.json.items.find((r) => r.code === c);
}

async function createRole(body) {
  const res = await admin.post(ROLES, { code: code(), name: '测试角色', data_scope: 'subtree', permissions: [], ...body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

async function createPosition(roleId, extra = {}) {
  const res = await admin.post(POSITIONS, { code: code('p'), name: '测试职位', role_id: roleId, ...extra });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const outletId = () => Number(sqlValue(h.srv, "SELECT id FROM org_units WHERE code = '801011'"));

test('ORG-3 the catalogue: permissions, customer fields, data scopes, field rule values', async () => {
  const res = await admin.get(`${ROLES}/catalog`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', `${ROLES}/catalog`, res);
  const { permissions, fields, data_scopes: scopes, field_access: access, field_masking: masking } = res.json;
  const codes = permissions.map((p) => p.code);
  for (const c of ['customers.view', 'customers.reveal', 'org.manage', 'users.view', 'users.manage', 'roles.manage',
    'staff.handover', 'audit.view']) assert.ok(codes.includes(c), `catalogue has ${c}`);
  assert.equal(new Set(codes).size, codes.length, 'codes are unique');
  const roles = permissions.find((p) => p.code === 'roles.manage');
  assert.equal(roles.group, 'system');
  assert.equal(roles.menu, true);
  assert.ok(roles.zh && roles.en);
  const mobile = fields.find((f) => f.field === 'mobile');
  assert.equal(mobile.sensitive, true);
  assert.equal(fields.find((f) => f.field === 'id_number').sensitive, true);
  assert.equal(fields.find((f) => f.field === 'name').sensitive, false);
  assert.deepEqual(scopes, ['self', 'self_and_reports', 'unit', 'subtree', 'all']);
  assert.deepEqual(access, ['hidden', 'read', 'edit']);
  assert.deepEqual(masking, ['none', 'list', 'all']);
});

test('ORG-3 GET /roles lists the built-in roles with permissions and active users; one role has every field rule', async () => {
  const res = await admin.get(ROLES);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', ROLES, res);
  const byCode = Object.fromEntries(res.json.items.map((r) => [r.code, r]));
  for (const c of ['system_admin', 'province_manager', 'county_manager', 'branch_manager', 'custodian', 'staff']) {
    assert.ok(byCode[c], c);
    assert.equal(byCode[c].builtin, true);
  }
  assert.equal(byCode.system_admin.data_scope, 'all');
  assert.ok(byCode.system_admin.permissions.includes('roles.manage'));
  assert.equal(byCode.county_manager.data_scope, 'subtree');
  assert.equal(byCode.custodian.data_scope, 'self');
  assert.deepEqual(byCode.custodian.permissions,
    sql(h.srv, `SELECT perm FROM role_permissions WHERE role_id = ${byCode.custodian.id} ORDER BY perm`).map((r) => r[0]));
  const active = (id) => Number(sqlValue(h.srv, `SELECT COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id
    WHERE p.role_id = ${id} AND u.status = 'active'`));
  for (const r of res.json.items) assert.equal(r.user_count, active(r.id), `user_count of ${r.code}`);

  const one = await admin.get(`${ROLES}/${byCode.staff.id}`);
  assert.equal(one.status, 200, one.text);
  assertSchema('GET', `${ROLES}/{id}`, one);
  const catalogue = (await admin.get(`${ROLES}/catalog`)).json.fields.map((f) => f.field);
  assert.deepEqual(Object.keys(one.json.fields).sort(), [...catalogue].sort(), 'a rule for every catalogue field');
  assert.deepEqual(one.json.fields.address, { access: 'hidden', masking: 'none' });
  assert.deepEqual(one.json.fields.mobile, { access: 'edit', masking: 'all' });
  assertError(await admin.get(`${ROLES}/999999`), 404, 'route.not_found');
});

test('ORG-3 ORG-6 a role is created with permissions, scope and field rules; audited', async () => {
  const c = code();
  const res = await admin.post(ROLES, {
    code: c, name: '稽核员', description: '只读稽核', data_scope: 'all',
    permissions: ['customers.view', 'audit.view', 'customers.view'],
    fields: { mobile: { access: 'read', masking: 'list' }, address: { access: 'hidden', masking: 'none' } },
  });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', ROLES, res);
  const role = res.json;
  assert.equal(role.code, c);
  assert.equal(role.description, '只读稽核');
  assert.equal(role.builtin, false);
  assert.equal(role.user_count, 0);
  assert.deepEqual(role.permissions, ['audit.view', 'customers.view'], 'sorted, duplicates dropped');
  assert.deepEqual(role.fields.mobile, { access: 'read', masking: 'list' });
  assert.deepEqual(role.fields.address, { access: 'hidden', masking: 'none' });
  assert.deepEqual(role.fields.id_number, { access: 'edit', masking: 'all' }, 'fields left out get the default');
  assert.deepEqual(role.fields.name, { access: 'edit', masking: 'none' });
  assert.deepEqual((await admin.get(`${ROLES}/${role.id}`)).json, role);

  const [entry] = auditOf(h.srv, 'role.created', role.id);
  assert.equal(entry.user_id, 1);
  assert.equal(entry.object_type, 'role');
  assert.deepEqual(entry.detail.after.permissions, ['audit.view', 'customers.view']);
  assert.equal(entry.detail.after.data_scope, 'all');
  assert.deepEqual(entry.detail.after.fields.mobile, { access: 'read', masking: 'list' });
});

test('ORG-3 refused role values answer 422 naming the field; a taken code 409', async () => {
  const base = { code: code(), name: '坏角色', data_scope: 'unit', permissions: ['customers.view'] };
  const n0 = sqlValue(h.srv, 'SELECT COUNT(*) FROM roles');
  const bad = async (body, status, errCode, field) => assertError(await admin.post(ROLES, { ...base, ...body }),
    status, errCode, field);
  await bad({ permissions: ['customers.view', 'no.such_permission'] }, 422, 'request.field_invalid', 'permissions');
  await bad({ permissions: [42] }, 422, 'request.field_invalid', 'permissions');
  await bad({ permissions: 'customers.view' }, 422, 'request.field_type', 'permissions');
  await bad({ permissions: undefined }, 422, 'request.field_required', 'permissions');
  await bad({ data_scope: 'everything' }, 422, 'request.field_invalid', 'data_scope');
  await bad({ data_scope: undefined }, 422, 'request.field_required', 'data_scope');
  await bad({ fields: { mobile: { access: 'secret', masking: 'all' } } }, 422, 'request.field_invalid', 'fields.mobile');
  await bad({ fields: { mobile: { access: 'read', masking: 'half' } } }, 422, 'request.field_invalid', 'fields.mobile');
  await bad({ fields: { mobile: { access: 'read' } } }, 422, 'request.field_invalid', 'fields.mobile');
  await bad({ fields: { mobile: 'hidden' } }, 422, 'request.field_invalid', 'fields.mobile');
  await bad({ fields: { shoe_size: { access: 'read', masking: 'none' } } }, 422, 'request.field_invalid',
    'fields.shoe_size');
  await bad({ fields: ['mobile'] }, 422, 'request.field_type', 'fields');
  await bad({ code: 'has space' }, 422, 'request.field_invalid', 'code');
  await bad({ name: '' }, 422, 'request.field_required', 'name');
  await bad({ code: 'custodian' }, 409, 'role.code_taken', 'code');
  assert.equal(sqlValue(h.srv, 'SELECT COUNT(*) FROM roles'), n0, 'nothing was made');
});

test('ORG-3 ORG-4 ORG-6 PUT changes a role; audited with before and after', async () => {
  const role = await createRole({ data_scope: 'unit', permissions: ['customers.view'] });
  const res = await admin.put(`${ROLES}/${role.id}`, {
    name: '改后角色', description: '新说明', data_scope: 'subtree', permissions: ['customers.view', 'customers.export'],
    fields: { mobile: { access: 'read', masking: 'none' } },
  });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', `${ROLES}/{id}`, res);
  assert.equal(res.json.name, '改后角色');
  assert.equal(res.json.code, role.code, 'the code stays');
  assert.equal(res.json.data_scope, 'subtree');
  assert.deepEqual(res.json.permissions, ['customers.export', 'customers.view']);
  assert.deepEqual(res.json.fields.mobile, { access: 'read', masking: 'none' });

  // without fields the rules stay
  const again = await admin.put(`${ROLES}/${role.id}`, { name: '改后角色', data_scope: 'subtree', permissions: [] });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.permissions, []);
  assert.deepEqual(again.json.fields.mobile, { access: 'read', masking: 'none' });

  const entries = auditOf(h.srv, 'role.updated', role.id);
  assert.equal(entries.length, 2);
  const { before: b, after: a } = entries[0].detail;
  assert.deepEqual(b.permissions, ['customers.view']);
  assert.deepEqual(a.permissions, ['customers.export', 'customers.view']);
  assert.deepEqual(b.fields.mobile, { access: 'edit', masking: 'all' });
  assert.deepEqual(a.fields.mobile, { access: 'read', masking: 'none' });
  assert.equal(a.data_scope, 'subtree');
  assert.equal(a.name, '改后角色');
  assert.deepEqual(entries[1].detail.after.permissions, []);

  assertError(await admin.put(`${ROLES}/${role.id}`, { name: 'x', data_scope: 'nowhere', permissions: [] }), 422,
    'request.field_invalid', 'data_scope');
  assertError(await admin.put(`${ROLES}/${role.id}`, { name: 'x', data_scope: 'all', permissions: ['x.y'] }), 422,
    'request.field_invalid', 'permissions');
  assertError(await admin.put(`${ROLES}/999999`, { name: 'x', data_scope: 'all', permissions: [] }), 404,
    'route.not_found');
  assert.equal(auditOf(h.srv, 'role.updated', role.id).length, 2, 'refused changes are not recorded');
});

test('ORG-3 DELETE: a built-in role 409, a role positions use 409, an unused one 204 (audited)', async () => {
  const builtin = await roleByCode('staff');
  assertError(await admin.del(`${ROLES}/${builtin.id}`), 409, 'role.builtin');
  const used = await createRole({ permissions: ['customers.view'] });
  const pos = await createPosition(used.id);
  assertError(await admin.del(`${ROLES}/${used.id}`), 409, 'role.in_use');
  // once the position maps elsewhere the role can go
  assert.equal((await admin.patch(`${POSITIONS}/${pos.id}`, { role_id: builtin.id })).status, 200);
  const res = await admin.del(`${ROLES}/${used.id}`);
  assert.equal(res.status, 204, res.text);
  assert.equal(res.text, '');
  assertError(await admin.get(`${ROLES}/${used.id}`), 404, 'route.not_found');
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM role_permissions WHERE role_id = ${used.id}`), '0');
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM field_rules WHERE role_id = ${used.id}`), '0');
  const [entry] = auditOf(h.srv, 'role.deleted', used.id);
  assert.deepEqual(entry.detail.before.permissions, ['customers.view']);
  assertError(await admin.del(`${ROLES}/${used.id}`), 404, 'route.not_found');
});

test('ORG-3 ORG-4 a permission taken from a role is refused on the very next request of its signed-in users', async () => {
  const role = await createRole({ data_scope: 'subtree', permissions: ['customers.view', 'users.view'] });
  const pos = await createPosition(role.id);
  const u = await newUser(h.srv, admin, { username: code('u'), unit_id: outletId(), position_id: pos.id });
  let res = await u.c.get('/api/v1/users');
  assert.equal(res.status, 200, res.text);
  const subtreeTotal = res.json.total;
  assert.ok(subtreeTotal > 1, 'an outlet has more than one user');
  let me = await u.c.get('/api/v1/auth/me');
  assert.deepEqual(me.json.access.permissions, ['customers.view', 'users.view']);
  assert.equal(me.json.access.data_scope, 'subtree');

  // the data scope narrows at once
  res = await admin.put(`${ROLES}/${role.id}`, { name: role.name, data_scope: 'self', permissions: role.permissions });
  assert.equal(res.status, 200, res.text);
  res = await u.c.get('/api/v1/users');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.items.map((x) => x.id), [u.id], 'scope self: only oneself');

  // the permission goes at once: same session, next request
  res = await admin.put(`${ROLES}/${role.id}`, { name: role.name, data_scope: 'subtree', permissions: ['customers.view'] });
  assert.equal(res.status, 200, res.text);
  assertError(await u.c.get('/api/v1/users'), 403, 'auth.forbidden', null);
  assertError(await u.c.get(`/api/v1/users/${u.id}`), 403, 'auth.forbidden');
  assert.equal((await u.c.get('/api/v1/customers')).status, 200, 'what the role still holds works');
  me = await u.c.get('/api/v1/auth/me');
  assert.equal(me.status, 200);
  assert.deepEqual(me.json.access.permissions, ['customers.view']);

  // and comes back the same way
  await admin.put(`${ROLES}/${role.id}`, { name: role.name, data_scope: 'subtree', permissions: ['users.view'] });
  res = await u.c.get('/api/v1/users');
  assert.equal(res.status, 200);
  assert.equal(res.json.total, subtreeTotal);
  assertError(await u.c.get('/api/v1/customers'), 403, 'auth.forbidden');
});

test('ORG-2 positions: list, create, refused values; mapping a position to another role changes what its users may do', async () => {
  const county = await signIn(h.srv, 'county01');
  let res = await county.get(POSITIONS);
  assert.equal(res.status, 200, 'users.view may read the positions');
  assertSchema('GET', POSITIONS, res);
  const wealth = res.json.items.find((p) => p.code === 'wealth_manager');
  assert.equal(wealth.is_custodian, true);
  assert.equal(wealth.role.code, 'custodian');
  assert.equal(wealth.user_count, Number(sqlValue(h.srv, `SELECT COUNT(*) FROM users WHERE position_id = ${wealth.id}
    AND status = 'active'`)));
  assert.equal(res.json.items.find((p) => p.code === 'lobby_manager').is_custodian, false);
  assertError(await (await signIn(h.srv, 'cm00001')).get(POSITIONS), 403, 'auth.forbidden');

  const viewer = await createRole({ data_scope: 'subtree', permissions: ['customers.view'] });
  const manager = await createRole({ data_scope: 'subtree', permissions: ['customers.view', 'users.view'] });
  res = await admin.post(POSITIONS, { code: code('p'), name: '信贷员', role_id: viewer.id, is_custodian: true });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', POSITIONS, res);
  const pos = res.json;
  assert.deepEqual(pos.role, { id: viewer.id, code: viewer.code, name: viewer.name });
  assert.equal(pos.is_custodian, true);
  assert.equal(pos.user_count, 0);
  assertError(await admin.post(POSITIONS, { code: pos.code, name: 'x', role_id: viewer.id }), 409,
    'position.code_taken', 'code');
  assertError(await admin.post(POSITIONS, { code: code('p'), name: 'x', role_id: 999999 }), 422,
    'request.field_invalid', 'role_id');
  assertError(await admin.post(POSITIONS, { code: code('p'), name: 'x' }), 422, 'request.field_required', 'role_id');
  assertError(await admin.post(POSITIONS, { code: code('p'), name: 'x', role_id: viewer.id, is_custodian: 'yes' }),
    422, 'request.field_type', 'is_custodian');
  assertError(await county.post(POSITIONS, { code: code('p'), name: 'x', role_id: viewer.id }), 403, 'auth.forbidden');

  const u = await newUser(h.srv, admin, { username: code('u'), unit_id: outletId(), position_id: pos.id });
  assertError(await u.c.get('/api/v1/users'), 403, 'auth.forbidden');

  res = await admin.patch(`${POSITIONS}/${pos.id}`, { role_id: manager.id, is_custodian: false });
  assert.equal(res.status, 200, res.text);
  assertSchema('PATCH', `${POSITIONS}/{id}`, res);
  assert.equal(res.json.role.id, manager.id);
  assert.equal(res.json.is_custodian, false);
  assert.equal(res.json.name, '信贷员', 'a name left out stays');
  assert.equal(res.json.user_count, 1);
  assert.equal((await u.c.get('/api/v1/users')).status, 200, 'the next request has the new role');
  const me = await u.c.get('/api/v1/auth/me');
  assert.deepEqual(me.json.access.permissions, ['customers.view', 'users.view']);

  res = await admin.patch(`${POSITIONS}/${pos.id}`, { name: '高级信贷员' });
  assert.equal(res.status, 200);
  assert.equal(res.json.role.id, manager.id, 'the role left out stays');
  assert.equal(res.json.is_custodian, false);
  assertError(await admin.patch(`${POSITIONS}/${pos.id}`, { name: null }), 422, 'request.field_required', 'name');
  assertError(await admin.patch(`${POSITIONS}/${pos.id}`, { role_id: 999999 }), 422, 'request.field_invalid', 'role_id');
  assertError(await admin.patch(`${POSITIONS}/999999`, { name: 'x' }), 404, 'route.not_found');
  assertError(await county.patch(`${POSITIONS}/${pos.id}`, { role_id: viewer.id }), 403, 'auth.forbidden');

  const [entry] = auditOf(h.srv, 'position.updated', pos.id);
  assert.deepEqual(entry.detail, { before: { role_id: viewer.id, is_custodian: true },
    after: { role_id: manager.id, is_custodian: false } });
  assert.equal(auditOf(h.srv, 'position.created', pos.id).length, 1);
});

test('ORG-3 roles need roles.manage: 403 auth.forbidden for everyone else', async () => {
  const staff = await roleByCode('staff');
  for (const who of ['county01', 'branch001', 'cm00001']) {
    const c = await signIn(h.srv, who);
    assertError(await c.get(`${ROLES}/catalog`), 403, 'auth.forbidden');
    assertError(await c.get(ROLES), 403, 'auth.forbidden');
    assertError(await c.get(`${ROLES}/${staff.id}`), 403, 'auth.forbidden');
    assertError(await c.post(ROLES, { code: code(), name: 'x', data_scope: 'all', permissions: ['roles.manage'] }), 403,
      'auth.forbidden');
    assertError(await c.put(`${ROLES}/${staff.id}`, { name: 'x', data_scope: 'all', permissions: ['roles.manage'] }),
      403, 'auth.forbidden');
    assertError(await c.del(`${ROLES}/${staff.id}`), 403, 'auth.forbidden');
  }
  assert.equal((await h.srv.request('GET', ROLES)).status, 401);
  assert.deepEqual((await roleByCode('staff')).permissions, staff.permissions, 'nothing changed');
});
