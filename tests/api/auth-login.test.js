// AUTH-1 login with username and password — POST /api/v1/auth/login.
// Failed logins are spread over different demo users (at most one each) so that the
// lockout and captcha of AUTH-2 never get in the way of these tests.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD, SESSION_COOKIE } from './lib/server.js';
import { loadDoc, validate, responseSchema } from './lib/schema.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();
const LOGIN = '/api/v1/auth/login';
const CJK = /[\u4e00-\u9fff]/;

function assertError(res, status, code, field = null) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.ok(res.json && res.json.error, `no JSON error body: ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
  assert.equal(res.json.error.field, field, res.text);
  assert.equal(typeof res.json.error.message, 'string');
  assert.ok(res.json.error.message.length > 0, 'empty message');
}

test('AUTH-1 login with the right password: 200, user, csrf token, HttpOnly SameSite session cookie', async () => {
  const res = await h.srv.request('POST', LOGIN, { body: { username: 'admin', password: DEMO_PASSWORD } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.username, 'admin');
  assert.equal(typeof res.json.csrf_token, 'string');
  assert.ok(res.json.csrf_token.length >= 16, `csrf_token too short: ${res.json.csrf_token}`);

  const c = res.cookies[SESSION_COOKIE];
  assert.ok(c, `no ${SESSION_COOKIE} cookie in Set-Cookie: ${JSON.stringify(res.headers['set-cookie'])}`);
  assert.ok(c.value.length >= 20, `session token too short to be random: ${c.value}`);
  const attrs = c.attrs.map((a) => a.toLowerCase());
  assert.ok(attrs.includes('httponly'), `cookie not HttpOnly: ${c.raw}`);
  assert.ok(attrs.some((a) => /^samesite=(lax|strict)$/.test(a)), `cookie without SameSite=Lax|Strict: ${c.raw}`);
  assert.ok(attrs.includes('path=/'), `cookie without Path=/: ${c.raw}`);
  assert.ok(!attrs.includes('secure'), `Secure cookie although the server was not told it runs behind TLS: ${c.raw}`);

  const schema = responseSchema(doc, 'POST', LOGIN, 200);
  assert.deepEqual(validate(doc, schema, res.json), [], `does not match openapi.json: ${res.text}`);
});

test('AUTH-1 the session token is random: two logins get different tokens', async () => {
  const a = await h.srv.login('admin');
  const b = await h.srv.login('admin');
  assert.equal(a.status, 200);
  assert.equal(b.status, 200);
  assert.notEqual(a.cookie, b.cookie);
  assert.notEqual(a.csrf, b.csrf);
});

test('AUTH-1 login accepts Content-Type application/json; charset=utf-8', async () => {
  const res = await h.srv.request('POST', LOGIN, {
    raw: JSON.stringify({ username: 'cm00001', password: DEMO_PASSWORD }),
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.username, 'cm00001');
});

test('AUTH-1 wrong password: 401 auth.invalid_credentials, message in Chinese by default, no cookie', async () => {
  const res = await h.srv.request('POST', LOGIN, { body: { username: 'county01', password: 'Wrong@2026' } });
  assertError(res, 401, 'auth.invalid_credentials');
  assert.match(res.json.error.message, CJK, `default message is not Chinese: ${res.json.error.message}`);
  assert.equal(res.cookies[SESSION_COOKIE], undefined, 'a failed login set a session cookie');
  assert.equal(res.json.error.request_id, res.headers['x-request-id']);
});

test('AUTH-1 wrong password with Accept-Language: en: the message is English', async () => {
  const zh = await h.srv.request('POST', LOGIN, {
    body: { username: 'branch001', password: 'Wrong@2026' },
    headers: { 'Accept-Language': 'zh-CN,zh;q=0.9' },
  });
  const en = await h.srv.request('POST', LOGIN, {
    body: { username: 'cm00001', password: 'Wrong@2026' },
    headers: { 'Accept-Language': 'en-US,en;q=0.9' },
  });
  assertError(zh, 401, 'auth.invalid_credentials');
  assertError(en, 401, 'auth.invalid_credentials');
  assert.match(zh.json.error.message, CJK);
  assert.doesNotMatch(en.json.error.message, CJK, `English message has Chinese: ${en.json.error.message}`);
  assert.match(en.json.error.message, /^[\x20-\x7e]+$/, `English message is not plain ASCII: ${en.json.error.message}`);
  assert.match(en.json.error.message, /[a-z]{3}/i);
});

test('AUTH-1 unknown user: the same 401 code and message as a wrong password (no user enumeration)', async () => {
  const unknown = await h.srv.request('POST', LOGIN, { body: { username: 'nosuchuser', password: 'Wrong@2026' } });
  const wrong = await h.srv.request('POST', LOGIN, { body: { username: 'admin', password: 'Wrong@2026' } });
  assertError(unknown, 401, 'auth.invalid_credentials');
  assertError(wrong, 401, 'auth.invalid_credentials');
  assert.equal(unknown.json.error.message, wrong.json.error.message);
  assert.equal(unknown.cookies[SESSION_COOKIE], undefined);
  const unknownEn = await h.srv.request('POST', LOGIN, {
    body: { username: 'nosuchuser2', password: 'x' }, headers: { 'Accept-Language': 'en' },
  });
  assertError(unknownEn, 401, 'auth.invalid_credentials');
  assert.doesNotMatch(unknownEn.json.error.message, CJK);
});

test('AUTH-1 missing password: 422 request.field_required, field=password', async () => {
  const res = await h.srv.request('POST', LOGIN, { body: { username: 'admin' } });
  assertError(res, 422, 'request.field_required', 'password');
});

test('AUTH-1 missing username: 422 request.field_required, field=username', async () => {
  const res = await h.srv.request('POST', LOGIN, { body: { password: DEMO_PASSWORD } });
  assertError(res, 422, 'request.field_required', 'username');
});

test('AUTH-1 password as a number: 422 request.field_type, field=password', async () => {
  const res = await h.srv.request('POST', LOGIN, { body: { username: 'admin', password: 20260101 } });
  assertError(res, 422, 'request.field_type', 'password');
});

test('AUTH-1 username as an object: 422 request.field_type, field=username', async () => {
  const res = await h.srv.request('POST', LOGIN, { body: { username: { a: 1 }, password: DEMO_PASSWORD } });
  assertError(res, 422, 'request.field_type', 'username');
});

test('AUTH-1 the right password still works after those failures', async () => {
  // admin failed once above; cm00001 once: both are below any lockout threshold.
  const a = await h.srv.login('admin');
  assert.equal(a.status, 200, a.res.text);
  const b = await h.srv.login('cm00001');
  assert.equal(b.status, 200, b.res.text);
});
