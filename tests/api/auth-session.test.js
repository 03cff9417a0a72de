// AUTH-3 sessions and CSRF — GET /api/v1/auth/me and POST /api/v1/auth/logout.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { useServer } from './lib/server.js';
import { loadDoc, validate, responseSchema } from './lib/schema.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();
const ME = '/api/v1/auth/me';
const LOGOUT = '/api/v1/auth/logout';

function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.ok(res.json && res.json.error, `no JSON error body: ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
  assert.equal(res.json.error.field, null, res.text);
}

test('AUTH-3 /auth/me without a cookie: 401 auth.unauthenticated', async () => {
  const res = await h.srv.request('GET', ME);
  assertError(res, 401, 'auth.unauthenticated');
});

test('AUTH-3 /auth/me with the session cookie: the user object of the contract and a csrf token', async () => {
  const s = await h.srv.login('admin');
  assert.equal(s.status, 200, s.res.text);
  const res = await h.srv.request('GET', ME, { cookie: s.cookie });
  assert.equal(res.status, 200, res.text);
  const u = res.json.user;
  assert.equal(typeof u.id, 'number');
  assert.ok(Number.isInteger(u.id) && u.id > 0);
  assert.equal(u.username, 'admin');
  assert.equal(typeof u.display_name, 'string');
  assert.ok(u.display_name.length > 0);
  assert.equal(typeof u.unit, 'object');
  assert.ok(Number.isInteger(u.unit.id));
  assert.equal(typeof u.unit.code, 'string');
  assert.ok(u.unit.code.length > 0);
  assert.equal(typeof u.unit.name, 'string');
  assert.ok(u.unit.name.length > 0);
  assert.equal(u.unit.level, 'province', 'admin belongs to the province union');
  assert.equal(u.position.code, 'system_admin');
  assert.equal(typeof u.position.name, 'string');
  assert.equal(u.must_change_password, false);
  assert.equal(typeof res.json.csrf_token, 'string');
  assert.ok(res.json.csrf_token.length >= 16);
  // the same user as the login answer
  assert.deepEqual(u, s.user);
  const schema = responseSchema(doc, 'GET', ME, 200);
  assert.deepEqual(validate(doc, schema, res.json), [], `does not match openapi.json: ${res.text}`);
});

test('AUTH-3 /auth/me of a customer manager names their own unit and position', async () => {
  const s = await h.srv.login('cm00001');
  assert.equal(s.status, 200, s.res.text);
  const res = await h.srv.request('GET', ME, { cookie: s.cookie });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.username, 'cm00001');
  assert.notEqual(res.json.user.unit.level, 'province');
  assert.notEqual(res.json.user.position.code, 'admin');
});

test('AUTH-3 logout without X-CSRF-Token: 403 auth.csrf_failed, the session stays', async () => {
  const s = await h.srv.login('admin');
  const res = await h.srv.request('POST', LOGOUT, { cookie: s.cookie });
  assertError(res, 403, 'auth.csrf_failed');
  const me = await h.srv.request('GET', ME, { cookie: s.cookie });
  assert.equal(me.status, 200, 'a refused logout ended the session');
});

test('AUTH-3 logout with a wrong X-CSRF-Token: 403 auth.csrf_failed', async () => {
  const s = await h.srv.login('admin');
  const wrong = s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A');
  const res = await h.srv.request('POST', LOGOUT, { cookie: s.cookie, csrf: wrong });
  assertError(res, 403, 'auth.csrf_failed');
  const other = await h.srv.login('cm00001');
  // the token of another session does not fit either
  const res2 = await h.srv.request('POST', LOGOUT, { cookie: s.cookie, csrf: other.csrf });
  assertError(res2, 403, 'auth.csrf_failed');
  const me = await h.srv.request('GET', ME, { cookie: s.cookie });
  assert.equal(me.status, 200);
});

test('AUTH-3 logout with the token: 204, then /auth/me with that cookie is 401', async () => {
  const s = await h.srv.login('admin');
  assert.equal(s.status, 200);
  const res = await h.srv.request('POST', LOGOUT, { cookie: s.cookie, csrf: s.csrf });
  assert.equal(res.status, 204, res.text);
  assert.equal(res.body.length, 0, `204 with a body: ${res.text}`);
  const me = await h.srv.request('GET', ME, { cookie: s.cookie });
  assertError(me, 401, 'auth.unauthenticated');
  // logging out again with the dead session is refused as unauthenticated
  const again = await h.srv.request('POST', LOGOUT, { cookie: s.cookie, csrf: s.csrf });
  assert.equal(again.status, 401, again.text);
});

test('AUTH-3 logout with the token that /auth/me returned works too', async () => {
  const s = await h.srv.login('admin');
  const me = await h.srv.request('GET', ME, { cookie: s.cookie });
  assert.equal(me.status, 200);
  const res = await h.srv.request('POST', LOGOUT, { cookie: s.cookie, csrf: me.json.csrf_token });
  assert.equal(res.status, 204, res.text);
});

test('AUTH-3 logout ends only this session: another session of the same user stays', async () => {
  const a = await h.srv.login('admin');
  const b = await h.srv.login('admin');
  const res = await h.srv.request('POST', LOGOUT, { cookie: a.cookie, csrf: a.csrf });
  assert.equal(res.status, 204, res.text);
  assert.equal((await h.srv.request('GET', ME, { cookie: a.cookie })).status, 401);
  const meB = await h.srv.request('GET', ME, { cookie: b.cookie });
  assert.equal(meB.status, 200, meB.text);
  assert.equal(meB.json.user.username, 'admin');
});

test('AUTH-3 a forged session cookie: 401 auth.unauthenticated', async () => {
  const s = await h.srv.login('admin');
  const forged = [
    crypto.randomBytes(32).toString('base64url'),
    s.cookie.slice(0, -2) + (s.cookie.endsWith('AA') ? 'BB' : 'AA'),
    'x',
    "' OR 1=1 --",
    'a'.repeat(4000),
  ];
  for (const f of forged) {
    const res = await h.srv.request('GET', ME, { cookie: `fincrm_session=${encodeURIComponent(f)}` });
    assertError(res, 401, 'auth.unauthenticated');
  }
});

test('AUTH-3 an empty or garbled Cookie header is no session: 401', async () => {
  for (const c of ['fincrm_session=', 'other=1', 'fincrm_session', ';;;=;']) {
    const res = await h.srv.request('GET', ME, { headers: { Cookie: c } });
    assertError(res, 401, 'auth.unauthenticated');
  }
});

