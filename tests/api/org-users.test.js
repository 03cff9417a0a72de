// ORG-2 ORG-4 AUTH-1 AUTH-2 users over HTTP, on both backends: a paged, filtered
// list limited to the caller's data scope; users made with a one-time password that
// must be changed before anything else; refused values name their field; disabling
// ends the user's sessions (never one's own account); a reset password ends them too
// and must be changed; unlocking lifts the lock of 5 failed logins.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';
import {
  signIn, sql, sqlValue, sqlIds, auditOf, assertError, assertSchema, allPages, newUser, NEW_PASSWORD, memo,
} from './lib/org.js';

// Each password hash or check (argon2id) costs real time on a busy machine: the tests
// sign in only where the session is what they test, and use demo users (password
// Demo@2026) where a fresh one is not needed.

let admin;
const h = useServer({
  before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach,
}, { customers: 20 });
const USERS = '/api/v1/users';
let seq = 0;
const uname = () => `u${process.pid % 1000}x${++seq}`;

const unitId = memo((code) => Number(sqlValue(h.srv, `SELECT id FROM org_units WHERE code = '${code}'`)));
const unitPath = memo((code) => sqlValue(h.srv, `SELECT path FROM org_units WHERE code = '${code}'`));
const positionId = memo((code) => Number(sqlValue(h.srv, `SELECT id FROM positions WHERE code = '${code}'`)));
const userId = memo((username) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${username}'`)));
const usersUnder = (path) => sqlIds(h.srv, `SELECT u.id FROM users u JOIN org_units o ON o.id = u.unit_id
  WHERE o.path LIKE '${path}%'`);
// demo users signed in once for the file
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));
const login = (username, password) => h.srv.request('POST', '/api/v1/auth/login', { body: { username, password } });

// A role, a position mapped to it and a signed-in user holding it in unit `unitCode`.
async function userWithRole(dataScope, permissions, unitCode) {
  const role = await admin.post('/api/v1/roles', { code: `r_${uname()}`, name: '测试角色', data_scope: dataScope,
    permissions });
  assert.equal(role.status, 201, role.text);
  const pos = await admin.post('/api/v1/positions', { code: `p_${uname()}`, name: '测试职位', role_id: role.json.id });
  assert.equal(pos.status, 201, pos.text);
  return newUser(h.srv, admin, { username: uname(), unit_id: unitId(unitCode), position_id: pos.json.id });
}

test('ORG-2 GET /users pages and filters: q (prefix of username or name), unit_id (subtree), status', async () => {
  const total = Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM users'));
  let res = await admin.get(`${USERS}?size=5`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', USERS, res);
  assert.equal(res.json.total, total);
  assert.equal(res.json.items.length, 5);
  assert.equal(res.json.page, 1);
  assert.equal(res.json.size, 5);
  const page2 = await admin.get(`${USERS}?size=5&page=2`);
  assert.equal(page2.json.page, 2);
  assert.equal(page2.json.items.length, 5);
  assert.equal(new Set([...res.json.items, ...page2.json.items].map((u) => u.id)).size, 10, 'pages do not overlap');
  res = await admin.get(`${USERS}?size=500`);
  assert.equal(res.json.size, 100, 'size is capped at 100');

  res = await admin.get(`${USERS}?q=cm0001&size=100`);
  assert.deepEqual(res.json.items.map((u) => u.id).sort((a, b) => a - b),
    sqlIds(h.srv, "SELECT id FROM users WHERE username LIKE 'cm0001%'"));
  assert.ok(res.json.items.every((u) => u.username.startsWith('cm0001')));
  const county = await admin.get(`${USERS}?q=${encodeURIComponent('county01')}`);
  assert.deepEqual(county.json.items.map((u) => u.username), ['county01']);
  const someone = county.json.items[0];
  const byName = await admin.get(`${USERS}?q=${encodeURIComponent(someone.display_name)}`);
  assert.ok(byName.json.items.some((u) => u.id === someone.id), 'q matches the display name too');

  const branch = unitId('801010');
  const inBranch = await allPages(admin, `${USERS}?unit_id=${branch}`);
  assert.deepEqual(inBranch.map((u) => u.id).sort((a, b) => a - b), usersUnder(unitPath('801010')),
    'unit_id takes the unit\'s subtree');
  assert.ok(inBranch.some((u) => u.unit.id !== branch), 'users of the outlets below are included');

  sql(h.srv, "UPDATE users SET status = 'disabled' WHERE username IN ('lobby0002', 'lobby0003')");
  res = await admin.get(`${USERS}?status=disabled`);
  assert.deepEqual(res.json.items.map((u) => u.username).sort(), ['lobby0002', 'lobby0003']);
  assert.ok(res.json.items.every((u) => u.status === 'disabled'));
  res = await admin.get(`${USERS}?status=active&size=1`);
  assert.equal(res.json.total, total - 2);
  sql(h.srv, "UPDATE users SET status = 'active' WHERE username IN ('lobby0002', 'lobby0003')");
  assertError(await admin.get(`${USERS}?status=gone`), 422, 'request.field_invalid', 'status');

  const one = await admin.get(`${USERS}/${someone.id}`);
  assert.equal(one.status, 200, one.text);
  assertSchema('GET', `${USERS}/{id}`, one);
  assert.deepEqual(one.json, someone);
  assert.equal(one.json.role.name, '市县行管理岗');
  assert.equal(one.json.position.code, 'county_admin');
  assertError(await admin.get(`${USERS}/999999`), 404, 'route.not_found');
});

test('ORG-4 the users list is scoped: county01 its county subtree, branch001 its branch subtree, cm00001 403', async () => {
  const county = await who('county01');
  const got = (await allPages(county, USERS)).map((u) => u.id).sort((a, b) => a - b);
  assert.deepEqual(got, usersUnder(unitPath('801000')));
  assert.ok(got.length > 50);

  const branch = await who('branch001');
  const mine = (await allPages(branch, USERS)).map((u) => u.id).sort((a, b) => a - b);
  assert.deepEqual(mine, usersUnder(unitPath('801010')));
  assert.ok(mine.includes(userId('cm00001')));
  assert.ok(!mine.includes(userId('county01')), 'not the county manager above');
  // filters stay inside the scope
  const filtered = await branch.get(`${USERS}?unit_id=${unitId('801000')}&size=100`);
  assert.equal(filtered.json.total, mine.length, 'a unit above the scope does not widen it');

  // one record: inside 200, outside (another county, or above) 404
  assert.equal((await county.get(`${USERS}/${userId('cm00001')}`)).status, 200);
  assertError(await branch.get(`${USERS}/${userId('county01')}`), 404, 'route.not_found');
  const elsewhere = sqlValue(h.srv, `SELECT u.id FROM users u JOIN org_units o ON o.id = u.unit_id
    WHERE o.path NOT LIKE '${unitPath('801000')}%' AND u.username LIKE 'cm%' LIMIT 1`);
  assertError(await county.get(`${USERS}/${elsewhere}`), 404, 'route.not_found');

  const cm = await who('cm00001');
  assertError(await cm.get(USERS), 403, 'auth.forbidden');
  assertError(await cm.get(`${USERS}/${userId('cm00001')}`), 403, 'auth.forbidden');
  assertError(await county.post(USERS, { username: uname(), display_name: 'x', unit_id: unitId('801011'),
    position_id: positionId('customer_manager') }), 403, 'auth.forbidden');
  assert.equal((await h.srv.request('GET', USERS)).status, 401);
});

test('AUTH-1 a new user signs in with the one-time password, must change it first, then works normally', async () => {
  const username = uname();
  const res = await admin.post(USERS, {
    username, display_name: '  新员工 ', unit_id: unitId('801011'), position_id: positionId('customer_manager'),
    phone: '138 0000 1111', credit_id: 'C900001', reports_to: userId('branch001'),
  });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', USERS, res);
  const { user, one_time_password: oneTime } = res.json;
  assert.equal(user.username, username);
  assert.equal(user.display_name, '新员工');
  assert.equal(user.phone, '138 0000 1111');
  assert.equal(user.credit_id, 'C900001');
  assert.equal(user.status, 'active');
  assert.equal(user.must_change_password, true);
  assert.equal(user.locked, false);
  assert.equal(user.unit.id, unitId('801011'));
  assert.equal(user.position.code, 'customer_manager');
  assert.equal(user.reports_to.id, userId('branch001'));
  assert.match(oneTime, /^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]{12}$/);
  const [entry] = auditOf(h.srv, 'user.created', user.id);
  assert.equal(entry.detail.after.username, username);
  assert.ok(!JSON.stringify(entry.detail).includes(oneTime), 'the password is not in the audit log');

  const s = await login(username, oneTime);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.user.must_change_password, true);
  const c = { cookie: s.cookies.fincrm_session.value, csrf: s.json.csrf_token };
  const call = (method, p, body) => h.srv.request(method, p, { ...c, body });
  for (const [method, p] of [['GET', '/api/v1/customers'], ['GET', '/api/v1/org/units'], ['GET', `${USERS}/${user.id}`],
    ['POST', `/api/v1/customers/1/reveal`]]) {
    assertError(await call(method, p, method === 'POST' ? { field: 'mobile' } : undefined), 403,
      'auth.password_change_required');
  }
  assert.equal((await call('GET', '/api/v1/auth/me')).status, 200, 'me answers');
  assert.equal((await call('GET', '/api/v1/auth/me')).json.user.must_change_password, true);
  assert.equal((await call('POST', '/api/v1/auth/password', { current_password: oneTime, new_password: NEW_PASSWORD }))
    .status, 204);
  assert.equal((await call('GET', '/api/v1/customers')).status, 200, 'the same session now works');
  assert.equal((await call('GET', '/api/v1/auth/me')).json.user.must_change_password, false);
  assert.equal((await login(username, oneTime)).status, 401, 'the one-time password is spent');
  assert.equal((await admin.get(`${USERS}/${user.id}`)).json.must_change_password, false);
});

test('ORG-2 refused user values: taken username 409, bad phone/username/unit/position/manager 422', async () => {
  const ok = { display_name: '某人', unit_id: unitId('801011'), position_id: positionId('customer_manager') };
  const n0 = sqlValue(h.srv, 'SELECT COUNT(*) FROM users');
  assertError(await admin.post(USERS, { ...ok, username: 'cm00001' }), 409, 'user.username_taken', 'username');
  assertError(await admin.post(USERS, { ...ok, username: 'a b' }), 422, 'request.field_invalid', 'username');
  assertError(await admin.post(USERS, { ...ok, username: 'ab' }), 422, 'request.field_invalid', 'username');
  assertError(await admin.post(USERS, { ...ok, username: uname(), phone: 'call me' }), 422, 'request.field_invalid',
    'phone');
  assertError(await admin.post(USERS, { ...ok, username: uname(), phone: '123' }), 422, 'request.field_invalid', 'phone');
  assertError(await admin.post(USERS, { ...ok, username: uname(), phone: 13800001111 }), 422, 'request.field_type',
    'phone');
  assertError(await admin.post(USERS, { ...ok, username: uname(), unit_id: 999999 }), 422, 'request.field_invalid',
    'unit_id');
  assertError(await admin.post(USERS, { ...ok, username: uname(), position_id: 999999 }), 422, 'request.field_invalid',
    'position_id');
  assertError(await admin.post(USERS, { ...ok, username: uname(), reports_to: 999999 }), 422, 'request.field_invalid',
    'reports_to');
  assertError(await admin.post(USERS, { ...ok, username: uname(), display_name: undefined }), 422,
    'request.field_required', 'display_name');
  assertError(await admin.post(USERS, { ...ok, username: uname(), unit_id: undefined }), 422, 'request.field_required',
    'unit_id');
  // a closed unit takes no users
  const closed = await admin.post('/api/v1/org/units', { parent_id: unitId('801010'), code: `C${uname()}`, name: '撤销网点',
    level: 'outlet' });
  assert.equal((await admin.post(`/api/v1/org/units/${closed.json.id}/close`)).status, 200);
  assertError(await admin.post(USERS, { ...ok, username: uname(), unit_id: closed.json.id }), 422,
    'request.field_invalid', 'unit_id');
  assert.equal(sqlValue(h.srv, 'SELECT COUNT(*) FROM users'), n0, 'nothing was made');
});

test('ORG-4 a manager with users.manage and a subtree scope creates and changes users only inside it', async () => {
  const mgr = await userWithRole('subtree', ['users.view', 'users.manage'], '801000');
  const inside = { display_name: '辖内', unit_id: unitId('801011'), position_id: positionId('customer_manager') };
  assertError(await mgr.c.post(USERS, { ...inside, username: uname(), unit_id: unitId('802010') }), 422,
    'request.field_invalid', 'unit_id');
  assertError(await mgr.c.post(USERS, { ...inside, username: uname(), unit_id: unitId('800000') }), 422,
    'request.field_invalid', 'unit_id');
  assertError(await mgr.c.post(USERS, { ...inside, username: uname(), reports_to: userId('admin') }), 422,
    'request.field_invalid', 'reports_to');
  const res = await mgr.c.post(USERS, { ...inside, username: uname(), reports_to: userId('branch001') });
  assert.equal(res.status, 201, res.text);
  const id = res.json.user.id;
  assertError(await mgr.c.patch(`${USERS}/${id}`, { unit_id: unitId('802010') }), 422, 'request.field_invalid',
    'unit_id');
  // users outside the scope do not exist for it
  const outside = userId('county02');
  assertError(await mgr.c.get(`${USERS}/${outside}`), 404, 'route.not_found');
  assertError(await mgr.c.patch(`${USERS}/${outside}`, { display_name: 'x' }), 404, 'route.not_found');
  assertError(await mgr.c.post(`${USERS}/${outside}/disable`), 404, 'route.not_found');
  assertError(await mgr.c.post(`${USERS}/${outside}/reset-password`), 404, 'route.not_found');
  assertError(await mgr.c.post(`${USERS}/${outside}/unlock`), 404, 'route.not_found');
  assert.equal(sqlValue(h.srv, `SELECT status FROM users WHERE id = ${outside}`), 'active');

  // a self scope manages only itself and its reports, not the rest of its unit
  const selfMgr = await userWithRole('self', ['users.view', 'users.manage'], '801011');
  const peer = userId('cm00001');
  assertError(await selfMgr.c.get(`${USERS}/${peer}`), 404, 'route.not_found');
  assertError(await selfMgr.c.patch(`${USERS}/${peer}`, { display_name: '改名' }), 404, 'route.not_found');
  assertError(await selfMgr.c.post(`${USERS}/${peer}/disable`), 404, 'route.not_found');
  assert.notEqual(sqlValue(h.srv, `SELECT display_name FROM users WHERE id = ${peer}`), '改名');
  assert.deepEqual((await selfMgr.c.get(USERS)).json.items.map((u) => u.id), [selfMgr.id]);
});

test('ORG-2 PATCH changes name, phone, unit, position and manager; audited', async () => {
  const u = await newUser(h.srv, admin, { username: uname(), unit_id: unitId('801011'),
    position_id: positionId('customer_manager'), phone: '13800002222' }, { signIn: false });
  const res = await admin.patch(`${USERS}/${u.id}`, {
    display_name: '改名后', phone: '', credit_id: 'C777', unit_id: unitId('801010'),
    position_id: positionId('wealth_manager'), reports_to: userId('branch001'),
  });
  assert.equal(res.status, 200, res.text);
  assertSchema('PATCH', `${USERS}/{id}`, res);
  assert.equal(res.json.display_name, '改名后');
  assert.equal(res.json.phone, null, '"" clears the phone');
  assert.equal(res.json.credit_id, 'C777');
  assert.equal(res.json.unit.id, unitId('801010'));
  assert.equal(res.json.position.code, 'wealth_manager');
  assert.equal(res.json.role.name, '管护客户经理');
  assert.equal(res.json.reports_to.id, userId('branch001'));

  const cleared = await admin.patch(`${USERS}/${u.id}`, { reports_to: null });
  assert.equal(cleared.json.reports_to, null);
  assert.equal(cleared.json.display_name, '改名后', 'members left out stay');
  assertError(await admin.patch(`${USERS}/${u.id}`, { reports_to: u.id }), 422, 'request.field_invalid', 'reports_to');
  assertError(await admin.patch(`${USERS}/${u.id}`, { phone: 'x' }), 422, 'request.field_invalid', 'phone');
  assertError(await admin.patch(`${USERS}/${u.id}`, { display_name: null }), 422, 'request.field_required',
    'display_name');
  assertError(await admin.patch(`${USERS}/999999`, { display_name: 'x' }), 404, 'route.not_found');
  const entries = auditOf(h.srv, 'user.updated', u.id);
  assert.equal(entries.length, 2);
  assert.equal(entries[0].detail.after.display_name, '改名后');
  assert.equal(entries[0].detail.after.phone, null);
  assert.equal(entries[1].detail.after.reports_to, null);
});

test('ORG-2 disable ends the user\'s sessions at once and refuses one\'s own account; enable', async () => {
  const username = 'lobby0007';
  const id = userId(username);
  const c = await signIn(h.srv, username);
  assert.equal((await c.get('/api/v1/customers')).status, 200);
  let res = await admin.post(`${USERS}/${id}/disable`);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${USERS}/{id}/disable`, res);
  assert.equal(res.json.status, 'disabled');
  assertError(await c.get('/api/v1/customers'), 401, 'auth.unauthenticated');
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM sessions WHERE user_id = ${id}`), '0', 'every session ended');
  assertError(await login(username, DEMO_PASSWORD), 403, 'auth.user_disabled');
  assertError(await admin.post(`${USERS}/1/disable`), 422, 'user.self');
  assertError(await admin.post(`${USERS}/999999/disable`), 404, 'route.not_found');
  assert.equal((await admin.get('/api/v1/auth/me')).status, 200, 'the admin is still signed in');

  res = await admin.post(`${USERS}/${id}/enable`);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${USERS}/{id}/enable`, res);
  assert.equal(res.json.status, 'active');
  assert.equal((await login(username, DEMO_PASSWORD)).status, 200);
  assert.equal(auditOf(h.srv, 'user.disabled', id).length, 1);
  assert.equal(auditOf(h.srv, 'user.enabled', id).length, 1);
});

test('AUTH-1 reset password: the old one and the user\'s sessions end; the one-time value works and must be changed', async () => {
  const u = { id: userId('lobby0008'), user: { username: 'lobby0008' }, c: await signIn(h.srv, 'lobby0008') };
  const res = await admin.post(`${USERS}/${u.id}/reset-password`);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${USERS}/{id}/reset-password`, res);
  const oneTime = res.json.one_time_password;
  assert.match(oneTime, /^[A-Za-z0-9]{12}$/);
  assertError(await u.c.get('/api/v1/customers'), 401, 'auth.unauthenticated');
  assertError(await login(u.user.username, DEMO_PASSWORD), 401, 'auth.invalid_credentials');
  const s = await signIn(h.srv, u.user.username, oneTime);
  assert.equal(s.user.must_change_password, true);
  assertError(await s.get('/api/v1/customers'), 403, 'auth.password_change_required');
  assert.equal((await admin.get(`${USERS}/${u.id}`)).json.must_change_password, true);
  assert.equal((await s.post('/api/v1/auth/password', { current_password: oneTime, new_password: NEW_PASSWORD }))
    .status, 204);
  assert.equal((await s.get('/api/v1/customers')).status, 200);
  assertError(await admin.post(`${USERS}/1/reset-password`), 422, 'user.self');
  assertError(await admin.post(`${USERS}/999999/reset-password`), 404, 'route.not_found');
  assert.equal(auditOf(h.srv, 'user.password_reset', u.id).length, 1);
});

test('AUTH-2 unlock lifts the lock of 5 failed logins', async () => {
  const u = { id: userId('lobby0009'), user: { username: 'lobby0009' } };
  for (let i = 0; i < 4; i++) assertError(await login(u.user.username, 'wrong-pass-1'), 401, 'auth.invalid_credentials');
  assertError(await login(u.user.username, 'wrong-pass-1'), 403, 'auth.account_locked');
  assertError(await login(u.user.username, DEMO_PASSWORD), 403, 'auth.account_locked');
  assert.equal((await admin.get(`${USERS}/${u.id}`)).json.locked, true);
  const res = await admin.post(`${USERS}/${u.id}/unlock`);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${USERS}/{id}/unlock`, res);
  assert.equal(res.json.locked, false);
  assert.equal((await login(u.user.username, DEMO_PASSWORD)).status, 200);
  assert.equal(auditOf(h.srv, 'user.unlocked', u.id).length, 1);
  assertError(await admin.post(`${USERS}/999999/unlock`), 404, 'route.not_found');
  assertError(await (await who('branch001')).post(`${USERS}/${u.id}/unlock`), 403, 'auth.forbidden');
});
