// AUTH-2 login rate limits and the trusted proxy. This server trusts 127.0.0.1 as a
// proxy (--trusted-proxy), so each test chooses its client address through
// X-Forwarded-For, and runs with small limits: 4 attempts per address and 3 per
// username a minute (the defaults are 20 and 10).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';
import { sql } from './lib/sql.js';

const h = useServer({ before, after, afterEach },
  { args: ['--trusted-proxy', '127.0.0.1', '--login-ip-limit', '4', '--login-user-limit', '3'] });
const LOGIN = '/api/v1/auth/login';
const login = (username, password, ip) =>
  h.srv.request('POST', LOGIN, { body: { username, password }, headers: ip ? { 'X-Forwarded-For': ip } : {} });

function assertLimited(res) {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.json.error.code, 'auth.rate_limited');
  const wait = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= 60, `Retry-After: ${res.headers['retry-after']}`);
  assert.equal(res.headers['set-cookie'], undefined);
}

test('AUTH-2 per-username limit: the 4th attempt in a minute gets 429 with Retry-After, from any address', async () => {
  for (let i = 1; i <= 3; i++) {
    const r = await login('county02', 'wrong-pass-1', `10.1.0.${i}`);
    assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
  }
  assertLimited(await login('county02', DEMO_PASSWORD, '10.1.0.4'));
  assert.equal((await login('county03', DEMO_PASSWORD, '10.1.0.5')).status, 200, 'other usernames go on');
});

test('AUTH-2 per-address limit: the 5th attempt from one address gets 429; past half the limit a captcha is needed', async () => {
  const codes = [];
  for (let i = 1; i <= 4; i++) {
    const r = await login(`nobody${i}`, 'wrong-pass-1', '10.2.0.9');
    codes.push(r.json.error.code);
  }
  assert.deepEqual(codes, ['auth.invalid_credentials', 'auth.invalid_credentials',
    'auth.captcha_required', 'auth.captcha_required']);
  assertLimited(await login('county04', DEMO_PASSWORD, '10.2.0.9'));
  assert.equal((await login('county04', DEMO_PASSWORD, '10.2.0.10')).status, 200, 'another address goes on');
});

test('AUTH-2 trusted proxy: the last X-Forwarded-For entry is the client address (session, audit log)', async () => {
  const r = await login('county05', DEMO_PASSWORD, '203.0.113.50, 10.3.0.7');
  assert.equal(r.status, 200, r.text);
  const rows = sql(h.srv, "SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'county05'");
  assert.deepEqual(rows, [['10.3.0.7']]);
  const audit = sql(h.srv, "SELECT ip FROM audit_log WHERE username = 'county05' AND action = 'login'");
  assert.deepEqual(audit, [['10.3.0.7']]);
});

test('AUTH-2 trusted proxy: a forwarded value that is not an address is ignored (the peer counts)', async () => {
  const r = await login('county06', DEMO_PASSWORD, 'not-an-address');
  assert.equal(r.status, 200, r.text);
  const rows = sql(h.srv, "SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'county06'");
  assert.deepEqual(rows, [['127.0.0.1']]);
});
