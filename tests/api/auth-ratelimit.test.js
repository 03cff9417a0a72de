// AUTH-2 login rate limits and the trusted proxy. This server trusts 127.0.0.1 as a
// proxy (--trusted-proxy), so each test chooses its client address through
// X-Forwarded-For, and runs with small limits: 4 attempts per address and 3 per
// username a minute (the defaults are 20 and 10).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD, SESSION_COOKIE } from './lib/server.js';
import { sqlRows } from './lib/sql.js';
import { SoftAuthenticator } from './lib/webauthn.js';

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
  const rows = sqlRows(h.srv, "SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'county05'");
  assert.deepEqual(rows, [['10.3.0.7']]);
  const audit = sqlRows(h.srv, "SELECT ip FROM audit_log WHERE username = 'county05' AND action = 'login'");
  assert.deepEqual(audit, [['10.3.0.7']]);
});

test('AUTH-2 trusted proxy: a forwarded value that is not an address is ignored (the peer counts)', async () => {
  const r = await login('county06', DEMO_PASSWORD, 'not-an-address');
  assert.equal(r.status, 200, r.text);
  const rows = sqlRows(h.srv, "SELECT s.ip FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = 'county06'");
  assert.deepEqual(rows, [['127.0.0.1']]);
});

// AUTH-6 login/finish: the same windows as password login (webauthn.c explains why
// there is no captcha or device key there).
const W = '/api/v1/auth/webauthn';
const wpost = (path, body, ip, s) =>
  h.srv.request('POST', W + path, { body, cookie: s?.cookie, csrf: s?.csrf, headers: ip ? { 'X-Forwarded-For': ip } : {} });
async function finish(a, ip, opts = {}) {
  const o = await wpost('/login/begin', {}, ip);
  assert.equal(o.status, 200, o.text);
  return wpost('/login/finish', a.assertion(o.json, { origin: h.srv.url, ...opts }), ip);
}

test('AUTH-6 AUTH-2 biometric login counts against the per-address limit', async () => {
  const stranger = new SoftAuthenticator(); // registered nowhere
  for (let i = 1; i <= 4; i++) {
    const r = await finish(stranger, '10.5.0.1');
    assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
  }
  assertLimited(await finish(stranger, '10.5.0.1'));
});

test('AUTH-6 AUTH-2 biometric login counts against the per-username limit of the credential\'s owner', async () => {
  const res = await login('county07', DEMO_PASSWORD, '10.6.0.1'); // 1st attempt of county07
  assert.equal(res.status, 200, res.text);
  const s = { cookie: res.cookies[SESSION_COOKIE].value, csrf: res.json.csrf_token };
  const begin = await wpost('/register/begin', undefined, '10.6.0.1', s);
  assert.equal(begin.status, 200, begin.text);
  const a = new SoftAuthenticator();
  const reg = await wpost('/register/finish', a.attestation(begin.json, { origin: h.srv.url }), '10.6.0.1', s);
  assert.equal(reg.status, 201, reg.text);
  for (let i = 2; i <= 3; i++) {
    const r = await finish(a, `10.6.0.${i}`, { tamper: true });
    assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
  }
  assertLimited(await finish(a, '10.6.0.4'));
});
