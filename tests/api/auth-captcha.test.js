// AUTH-2 image captcha: after exactly 3 failed logins of a username (known or not)
// a login needs a solved captcha from GET /api/v1/auth/captcha; without it the
// password is not even checked. Captchas are single use, expire after 5 minutes,
// and are checked case-insensitively. The answer is read from the database.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';
import { sqlRows, sqlValue, quote, captcha } from './lib/sql.js';

const h = useServer({ before, after, afterEach });
const LOGIN = '/api/v1/auth/login';
const login = (body, headers) => h.srv.request('POST', LOGIN, { body, headers });
const fail = (username) => login({ username, password: 'wrong-pass-1' });

function assertError(res, status, code) {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
}

test('AUTH-2 GET /auth/captcha: a PNG data URL and an id; the answer (4–5 unambiguous characters) is stored', async () => {
  const res = await h.srv.request('GET', '/api/v1/auth/captcha');
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.captcha_id, /^[A-Za-z0-9_-]{43}$/);
  assert.match(res.json.image, /^data:image\/png;base64,/);
  const png = Buffer.from(res.json.image.split(',')[1], 'base64');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(res.json.expires_in, 300);
  const [[answer, used, ttl]] = sqlRows(h.srv,
    `SELECT answer, used, expires_at FROM captchas WHERE id = ${quote(res.json.captcha_id)}`);
  assert.match(answer, /^[A-HJKMNP-Z2-9]{4,5}$/);
  assert.equal(Number(used), 0);
  assert.ok(Math.abs(Number(ttl) - Date.now() - 300000) < 60000, 'expires in about 5 minutes');
  assert.equal(res.headers['cache-control'], 'no-store');
});

test('AUTH-2 two failures: no captcha needed; the third says so; then the right password alone is refused', async () => {
  for (let i = 1; i <= 2; i++) {
    const r = await fail('cm00002');
    assertError(r, 401, 'auth.invalid_credentials');
    assert.equal(r.json.error.captcha_required, undefined, `failure ${i}: no captcha yet`);
  }
  const third = await fail('cm00002');
  assertError(third, 401, 'auth.invalid_credentials');
  assert.equal(third.json.error.captcha_required, true, 'the 3rd failure announces the captcha');
  const r = await login({ username: 'cm00002', password: DEMO_PASSWORD });
  assertError(r, 401, 'auth.captcha_required');
  assert.equal(r.json.error.field, 'captcha_answer');
  assert.equal(r.json.error.captcha_required, true);
  assert.equal(r.headers['set-cookie'], undefined);
  // Nothing was counted: the account's own count stays at 3 (the password was not checked).
  assert.equal(sqlValue(h.srv, "SELECT failed_logins FROM users WHERE username = 'cm00002'"), '3');
});

test('AUTH-2 a wrong captcha is refused (auth.captcha_wrong), used up, and unlocks nothing', async () => {
  for (let i = 0; i < 3; i++) await fail('cm00003');
  const c = await captcha(h.srv);
  const wrong = c.answer === 'AAAA' ? 'BBBB' : 'AAAA';
  const r = await login({ username: 'cm00003', password: DEMO_PASSWORD, captcha_id: c.captcha_id, captcha_answer: wrong });
  assertError(r, 401, 'auth.captcha_wrong');
  assert.equal(r.json.error.field, 'captcha_answer');
  assert.equal(r.headers['set-cookie'], undefined);
  const again = await login({ username: 'cm00003', password: DEMO_PASSWORD, captcha_id: c.captcha_id,
    captcha_answer: c.answer });
  assertError(again, 401, 'auth.captcha_wrong'); // one try per image
  const stillNeeded = await login({ username: 'cm00003', password: DEMO_PASSWORD });
  assertError(stillNeeded, 401, 'auth.captcha_required');
});

test('AUTH-2 right captcha (any case) and right password: signed in, and the counters start again', async () => {
  for (let i = 0; i < 3; i++) await fail('cm00004');
  const c = await captcha(h.srv);
  const r = await login({ username: 'cm00004', password: DEMO_PASSWORD, captcha_id: c.captcha_id,
    captcha_answer: ` ${c.answer.toLowerCase()} ` });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.cookies.fincrm_session);
  assert.equal(sqlValue(h.srv, "SELECT failed_logins FROM users WHERE username = 'cm00004'"), '0');
  assert.deepEqual(sqlRows(h.srv, "SELECT hits FROM login_throttle WHERE kind = 'fail' AND subject = 'cm00004'"), []);
  const next = await fail('cm00004');
  assertError(next, 401, 'auth.invalid_credentials');
  assert.equal(next.json.error.captcha_required, undefined, 'one failure after a success needs no captcha');
});

test('AUTH-2 right captcha but wrong password: counts as a failure; a captcha is single use', async () => {
  for (let i = 0; i < 3; i++) await fail('cm00005');
  const c = await captcha(h.srv);
  const r = await login({ username: 'cm00005', password: 'wrong-pass-1', captcha_id: c.captcha_id, captcha_answer: c.answer });
  assertError(r, 401, 'auth.invalid_credentials');
  assert.equal(r.json.error.captcha_required, true);
  assert.equal(sqlValue(h.srv, `SELECT used FROM captchas WHERE id = ${quote(c.captcha_id)}`), '1');
  const reuse = await login({ username: 'cm00005', password: DEMO_PASSWORD, captcha_id: c.captcha_id,
    captcha_answer: c.answer });
  assertError(reuse, 401, 'auth.captcha_wrong');
});

test('AUTH-2 an expired captcha is refused', async () => {
  for (let i = 0; i < 3; i++) await fail('cm00006');
  const c = await captcha(h.srv);
  sqlRows(h.srv, `UPDATE captchas SET expires_at = ${Date.now() - 1000} WHERE id = ${quote(c.captcha_id)}`);
  const r = await login({ username: 'cm00006', password: DEMO_PASSWORD, captcha_id: c.captcha_id, captcha_answer: c.answer });
  assertError(r, 401, 'auth.captcha_wrong');
  const unknownId = await login({ username: 'cm00006', password: DEMO_PASSWORD, captcha_id: 'no-such-captcha',
    captcha_answer: 'ABCD' });
  assertError(unknownId, 401, 'auth.captcha_wrong');
});

test('AUTH-2 unknown usernames need the captcha after 3 failures too (no way to tell which names exist)', async () => {
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await fail('no-such-user-甲'));
  for (const [i, r] of answers.entries()) assertError(r, 401, 'auth.invalid_credentials', `failure ${i + 1}`);
  assert.equal(answers[1].json.error.captcha_required, undefined);
  assert.equal(answers[2].json.error.captcha_required, true);
  const r = await fail('no-such-user-甲');
  assertError(r, 401, 'auth.captcha_required');
  const c = await captcha(h.srv);
  const solved = await login({ username: 'no-such-user-甲', password: 'x', captcha_id: c.captcha_id, captcha_answer: c.answer });
  assertError(solved, 401, 'auth.invalid_credentials');
});

test('AUTH-2 login fields of the wrong type: 422 with the field named', async () => {
  const r = await login({ username: 'admin', password: DEMO_PASSWORD, captcha_id: 5 });
  assertError(r, 422, 'request.field_type');
  assert.equal(r.json.error.field, 'captcha_id');
  const k = await login({ username: 'admin', password: DEMO_PASSWORD, device_key: 'x'.repeat(300) });
  assertError(k, 422, 'request.field_invalid');
  assert.equal(k.json.error.field, 'device_key');
});

test('AUTH-2 without --trusted-proxy, X-Forwarded-For is ignored: the peer address is recorded', async () => {
  const r = await login({ username: 'cm00007', password: DEMO_PASSWORD }, { 'X-Forwarded-For': '198.51.100.7' });
  assert.equal(r.status, 200, r.text);
  const rows = sqlRows(h.srv, "SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'cm00007'");
  assert.deepEqual(rows, [['127.0.0.1']]);
});
