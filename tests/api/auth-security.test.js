// AUTH-3 log out everywhere, AUTH-4 device binding, AUTH-5 step-up confirmation.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';
import { sqlRows, sqlValue, quote } from './lib/sql.js';

const h = useServer({ before, after, afterEach });
const KEY_A = 'device-key-A-0123456789abcdefghijklmnopqrstu';
const KEY_B = 'device-key-B-0123456789abcdefghijklmnopqrstu';

async function signIn(username, deviceKey, password = DEMO_PASSWORD) {
  const body = { username, password };
  if (deviceKey !== undefined) body.device_key = deviceKey;
  const res = await h.srv.request('POST', '/api/v1/auth/login', { body });
  const c = res.cookies.fincrm_session;
  return { res, status: res.status, cookie: c && c.value, csrf: res.json && res.json.csrf_token };
}
const post = (s, p, body) => h.srv.request('POST', p, { cookie: s.cookie, csrf: s.csrf, body });
const del = (s, p) => h.srv.request('DELETE', p, { cookie: s.cookie, csrf: s.csrf });
const me = (s) => h.srv.request('GET', '/api/v1/auth/me', { cookie: s.cookie });
const userId = (name) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = ${quote(name)}`));
const stepUp = (s, password = DEMO_PASSWORD) => post(s, '/api/v1/auth/step-up', { password });

function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
}

// ---- AUTH-5 step-up ---------------------------------------------------------------

test('AUTH-5 a sensitive action without a fresh password confirmation: 403 auth.step_up_required', async () => {
  const s = await signIn('cm00011');
  assertError(await post(s, '/api/v1/auth/logout-all'), 403, 'auth.step_up_required');
  assert.equal((await me(s)).status, 200, 'nothing happened');
});

test('AUTH-5 step-up with the right password: 200, then the action goes through', async () => {
  const s = await signIn('cm00012');
  const r = await stepUp(s);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.valid_for, 300);
  assert.equal((await post(s, '/api/v1/auth/logout-all')).status, 204);
  const audit = sqlRows(h.srv, "SELECT action FROM audit_log WHERE username = 'cm00012' AND action = 'step_up'");
  assert.equal(audit.length, 1);
});

test('AUTH-5 step-up with a wrong password: 403 auth.wrong_password, counted toward the lockout', async () => {
  const s = await signIn('cm00013');
  const r = await stepUp(s, 'wrong-pass-1');
  assertError(r, 403, 'auth.wrong_password');
  assert.equal(r.json.error.field, 'password');
  assert.equal(sqlValue(h.srv, "SELECT failed_logins FROM users WHERE username = 'cm00013'"), '1');
  assertError(await post(s, '/api/v1/auth/logout-all'), 403, 'auth.step_up_required');
  assertError(await post(s, '/api/v1/auth/step-up', {}), 422, 'request.field_required');
  assert.equal((await stepUp(s)).status, 200, 'the right password then works and resets the count');
  assert.equal(sqlValue(h.srv, "SELECT failed_logins FROM users WHERE username = 'cm00013'"), '0');
});

test('AUTH-5 a confirmation older than 5 minutes no longer counts', async () => {
  const s = await signIn('cm00014');
  assert.equal((await stepUp(s)).status, 200);
  sqlRows(h.srv, `UPDATE sessions SET stepped_up_at = stepped_up_at - 301000 WHERE user_id = ${userId('cm00014')}`);
  assertError(await post(s, '/api/v1/auth/logout-all'), 403, 'auth.step_up_required');
});

test('AUTH-5 step-up needs a session and the CSRF token', async () => {
  const anon = await h.srv.request('POST', '/api/v1/auth/step-up', { body: { password: DEMO_PASSWORD } });
  assertError(anon, 401, 'auth.unauthenticated');
  const s = await signIn('cm00015');
  const noCsrf = await h.srv.request('POST', '/api/v1/auth/step-up', { cookie: s.cookie, body: { password: DEMO_PASSWORD } });
  assertError(noCsrf, 403, 'auth.csrf_failed');
});

// ---- AUTH-3 logout everywhere ---------------------------------------------------------

test('AUTH-3 logout-all ends every session of the user (this one too), audited; other users stay', async () => {
  const a = await signIn('cm00016');
  const b = await signIn('cm00016');
  const other = await signIn('cm00017');
  assert.equal((await stepUp(a)).status, 200);
  const r = await post(a, '/api/v1/auth/logout-all');
  assert.equal(r.status, 204, r.text);
  assert.match(r.cookies.fincrm_session.raw, /Max-Age=0/);
  assertError(await me(a), 401, 'auth.unauthenticated');
  assertError(await me(b), 401, 'auth.unauthenticated');
  assert.equal((await me(other)).status, 200);
  assert.deepEqual(sqlRows(h.srv, `SELECT COUNT(*) FROM sessions WHERE user_id = ${userId('cm00016')}`), [['0']]);
  const audit = sqlRows(h.srv, "SELECT object_id FROM audit_log WHERE username = 'cm00016' AND action = 'logout_all'");
  assert.deepEqual(audit, [[String(userId('cm00016'))]]);
});

// ---- AUTH-4 device binding ------------------------------------------------------------

async function admin() {
  const s = await signIn('admin');
  assert.equal((await stepUp(s)).status, 200);
  return s;
}

test('AUTH-4 device binding: first login binds, other or no key refused, admin release re-binds, off allows any', async () => {
  const adm = await admin();
  const id = userId('cm00018');
  const on = await post(adm, `/api/v1/users/${id}/device`, { binding: true });
  assert.equal(on.status, 200, on.text);
  assert.deepEqual(on.json, { id, device_binding: true, device_bound: false });

  assert.equal((await signIn('cm00018', KEY_A)).status, 200, 'the first login binds key A');
  assert.equal(sqlValue(h.srv, "SELECT COUNT(*) FROM audit_log WHERE username = 'cm00018' AND action = 'device.bound'"), '1');
  assert.equal((await signIn('cm00018', KEY_A)).status, 200, 'the bound device signs in again');
  // the user list and record say so too (the admin UI's DeviceBindingControl reads them)
  const got = await h.srv.request('GET', `/api/v1/users/${id}`, { cookie: adm.cookie });
  assert.equal(got.status, 200, got.text);
  assert.deepEqual([got.json.device_binding, got.json.device_bound], [true, true]);
  const listed = await h.srv.request('GET', '/api/v1/users?q=cm00018', { cookie: adm.cookie });
  assert.equal(listed.status, 200, listed.text);
  const row = JSON.stringify(listed.json).includes('"device_bound":true');
  assert.ok(row, listed.text);
  const other = await signIn('cm00018', KEY_B);
  assertError(other.res, 403, 'auth.device_unbound');
  assert.equal(other.res.json.error.message, '该账号已绑定其他设备，请联系管理员解绑');
  assert.equal(other.cookie, undefined);
  const en = await h.srv.request('POST', '/api/v1/auth/login', {
    body: { username: 'cm00018', password: DEMO_PASSWORD, device_key: KEY_B }, headers: { 'Accept-Language': 'en' } });
  assert.match(en.json.error.message, /bound to another device/);
  assertError((await signIn('cm00018')).res, 403, 'auth.device_unbound');
  assertError((await signIn('cm00018', '')).res, 403, 'auth.device_unbound');

  const cleared = await del(adm, `/api/v1/users/${id}/device`);
  assert.equal(cleared.status, 200, cleared.text);
  assert.deepEqual(cleared.json, { id, device_binding: true, device_bound: false });
  assert.equal((await signIn('cm00018', KEY_B)).status, 200, 'after the release the next device binds');
  assertError((await signIn('cm00018', KEY_A)).res, 403, 'auth.device_unbound');

  const off = await post(adm, `/api/v1/users/${id}/device`, { binding: false });
  assert.deepEqual(off.json, { id, device_binding: false, device_bound: false });
  const after = (await h.srv.request('GET', `/api/v1/users/${id}`, { cookie: adm.cookie })).json;
  assert.deepEqual([after.device_binding, after.device_bound], [false, false]);
  assert.equal((await signIn('cm00018', KEY_A)).status, 200);
  assert.equal((await signIn('cm00018')).status, 200, 'binding off: any device, even none');

  const audit = sqlRows(h.srv, `SELECT action, detail FROM audit_log WHERE action LIKE 'device.%' AND object_id = '${id}'` +
    ' ORDER BY id');
  assert.deepEqual(audit.map((r) => r[0]), ['device.binding', 'device.bound', 'device.cleared', 'device.bound',
    'device.binding']);
  assert.deepEqual(JSON.parse(audit[0][1]), {
    before: { device_binding: false, device_bound: false }, after: { device_binding: true, device_bound: false } });
  assert.deepEqual(JSON.parse(audit[2][1]), {
    before: { device_binding: true, device_bound: true }, after: { device_binding: true, device_bound: false } });
});

test('AUTH-4 device binding of an account without it: any key or none signs in, nothing is bound', async () => {
  assert.equal((await signIn('cm00019', KEY_A)).status, 200);
  assert.equal((await signIn('cm00019', KEY_B)).status, 200);
  assert.deepEqual(sqlRows(h.srv, "SELECT device_key_hash IS NULL FROM users WHERE username = 'cm00019'"),
    [[h.srv.dbKind === 'sqlite' ? '1' : 't']]);
});

test('AUTH-4 device admin routes: step-up, permission, scope, unknown user and body checks', async () => {
  const id = userId('cm00020');
  const noStep = await signIn('admin');
  assertError(await post(noStep, `/api/v1/users/${id}/device`, { binding: true }), 403, 'auth.step_up_required');
  assertError(await del(noStep, `/api/v1/users/${id}/device`), 403, 'auth.step_up_required');
  const adm = await admin();
  assertError(await post(adm, `/api/v1/users/${id}/device`, {}), 422, 'request.field_required');
  assertError(await post(adm, `/api/v1/users/${id}/device`, { binding: 'yes' }), 422, 'request.field_type');
  assertError(await post(adm, '/api/v1/users/999999/device', { binding: true }), 404, 'route.not_found');
  assertError(await del(adm, '/api/v1/users/abc/device'), 404, 'route.not_found');
  const plain = await signIn('cm00021');
  assert.equal((await stepUp(plain)).status, 200);
  assertError(await post(plain, `/api/v1/users/${id}/device`, { binding: true }), 403, 'auth.forbidden');

  // A county manager allowed to manage users sees only its own county (ORG-4).
  sqlRows(h.srv, "INSERT INTO role_permissions (role_id, perm) SELECT id, 'users.manage' FROM roles WHERE code = 'county_manager'");
  // the one-row copy sessions read (migration 0011) moves with it, as the role editor does
  sqlRows(h.srv, "UPDATE roles SET perm_list = perm_list || ',users.manage' WHERE code = 'county_manager'");
  const county = await signIn('county01');
  assert.equal((await stepUp(county)).status, 200);
  const inside = await post(county, `/api/v1/users/${userId('cm00004')}/device`, { binding: true });
  assert.equal(inside.status, 200, inside.text);
  assertError(await post(county, `/api/v1/users/${userId('county02')}/device`, { binding: true }), 404, 'route.not_found');
  assertError(await del(county, `/api/v1/users/${userId('county02')}/device`), 404, 'route.not_found');
});

// ---- AUTH-2 unlock by an administrator -------------------------------------------------

test('AUTH-2 an administrator\'s unlock also ends the name\'s failure count: no captcha afterwards', async () => {
  for (let i = 0; i < 3; i++) assertError((await signIn('cm00022', undefined, 'wrong-pass-1')).res, 401, 'auth.invalid_credentials');
  assertError((await signIn('cm00022')).res, 401, 'auth.captcha_required');
  assert.equal(sqlValue(h.srv, "SELECT hits FROM login_throttle WHERE kind = 'fail' AND subject = 'cm00022'"), '3');
  const adm = await signIn('admin');
  const r = await post(adm, `/api/v1/users/${userId('cm00022')}/unlock`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.device_binding, r.json.device_bound], [false, false]);
  assert.deepEqual(sqlRows(h.srv, "SELECT hits FROM login_throttle WHERE kind = 'fail' AND subject = 'cm00022'"), []);
  assert.equal((await signIn('cm00022')).status, 200, 'the password alone signs in: no lock, no captcha');
});
