// AUTH-6 biometric login (WebAuthn) over HTTP, on both backends: the options of
// register/begin and login/begin, every refusal of register/finish and login/finish
// that a client can provoke (challenge, origin, type, rp id, user verification,
// garbage, replay, counter, signature), and a full registration and login with an
// ES256 key made in node (tests/api/lib/webauthn.js) — the session it opens is a
// password login's: same cookie, CSRF token, body and audit record.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { useServer, SESSION_COOKIE, BIN, DEMO_PASSWORD } from './lib/server.js';
import { SoftAuthenticator, FLAG_UP, FLAG_UV, b64u } from './lib/webauthn.js';
import { sqlRows, sqlValue, quote } from './lib/sql.js';

const h = useServer({ before, after, afterEach });
const W = '/api/v1/auth/webauthn';
const origin = () => h.srv.url; // http://127.0.0.1:PORT, the Host the server sees
const RP = '127.0.0.1';

function assertError(res, status, code, field) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code, res.text);
  if (field !== undefined) assert.equal(res.json.error.field, field);
}

const post = (path, s, body, headers) => h.srv.request('POST', W + path, { cookie: s?.cookie, csrf: s?.csrf, body, headers });
const registerBegin = async (s) => {
  const res = await post('/register/begin', s);
  assert.equal(res.status, 200, res.text);
  return res.json;
};
const loginBegin = async (body = {}) => {
  const res = await post('/login/begin', null, body);
  assert.equal(res.status, 200, res.text);
  return res.json;
};

// Registers a new software authenticator for the signed-in user s.
async function enrol(s, name) {
  const a = new SoftAuthenticator();
  const res = await post('/register/finish', s, a.attestation(await registerBegin(s), { origin: origin(), name }));
  assert.equal(res.status, 201, res.text);
  a.rowId = res.json.credential.id;
  return a;
}

test('AUTH-6 register/begin answers creation options: challenge, rp, user, ES256, platform, UV required, attestation none', async () => {
  const s = await h.srv.login('cm00001');
  const o = await registerBegin(s);
  assert.match(o.challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(o.rp, { id: RP, name: 'fincrm' });
  assert.equal(o.user.name, 'cm00001');
  assert.equal(Buffer.from(o.user.id, 'base64url').length, 8);
  assert.ok(o.user.displayName);
  assert.deepEqual(o.pubKeyCredParams, [{ type: 'public-key', alg: -7 }]);
  assert.equal(o.authenticatorSelection.authenticatorAttachment, 'platform');
  assert.equal(o.authenticatorSelection.userVerification, 'required');
  assert.equal(o.authenticatorSelection.residentKey, 'preferred');
  assert.equal(o.attestation, 'none');
  assert.equal(o.timeout, 300000);
  assert.deepEqual(o.excludeCredentials, []);
  assert.notEqual((await registerBegin(s)).challenge, o.challenge, 'a new challenge each time');

  assertError(await post('/register/begin', null), 401, 'auth.unauthenticated');
  assertError(await post('/register/begin', { cookie: s.cookie }), 403, 'auth.csrf_failed');
  const viaName = await h.srv.request('POST', `${W}/register/begin`,
    { cookie: s.cookie, csrf: s.csrf, headers: { Host: `localhost:${new URL(h.srv.url).port}` } });
  assert.equal(viaName.json.rp.id, 'localhost', 'the rp id is the Host name without the port');
});

test('AUTH-6 register/finish refuses a wrong challenge, origin, type, rp id, missing UV, garbage and a replayed challenge', async () => {
  const s = await h.srv.login('cm00002');
  const a = new SoftAuthenticator();
  const finish = (body) => post('/register/finish', s, body);

  assertError(await finish(a.attestation(await registerBegin(s), { origin: origin(), challenge: b64u(Buffer.alloc(32, 7)) })),
    400, 'webauthn.challenge_invalid', 'clientDataJSON');
  assertError(await finish(a.attestation(await registerBegin(s), { origin: 'http://evil.example:8080' })),
    400, 'webauthn.origin_mismatch', 'clientDataJSON');
  assertError(await finish(a.attestation(await registerBegin(s), { origin: origin(), type: 'webauthn.get' })),
    400, 'webauthn.type_mismatch', 'clientDataJSON');
  assertError(await finish(a.attestation(await registerBegin(s), { origin: origin(), rpId: 'evil.example' })),
    400, 'webauthn.rp_id_mismatch', 'attestationObject');
  assertError(await finish(a.attestation(await registerBegin(s), { origin: origin(), flags: FLAG_UP })),
    400, 'webauthn.user_not_verified', 'attestationObject');
  const garbage = { ...a.attestation(await registerBegin(s), { origin: origin() }), attestationObject: b64u(Buffer.from('not cbor at all')) };
  assertError(await finish(garbage), 400, 'webauthn.authenticator_data_invalid', 'attestationObject');
  const notB64 = { ...a.attestation(await registerBegin(s), { origin: origin() }), clientDataJSON: '***' };
  assertError(await finish(notB64), 400, 'webauthn.client_data_invalid', 'clientDataJSON');
  const otherId = { ...a.attestation(await registerBegin(s), { origin: origin() }), id: b64u(Buffer.alloc(32, 1)), rawId: undefined };
  assertError(await finish(otherId), 400, 'webauthn.authenticator_data_invalid', 'id');

  const good = a.attestation(await registerBegin(s), { origin: origin(), name: '  我的手机  ' });
  const ok = await finish(good);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.credential.name, '我的手机');
  assert.equal(ok.json.credential.last_used_at, null);
  assertError(await finish(good), 400, 'webauthn.challenge_invalid', 'clientDataJSON'); // replayed

  // the same authenticator again: refused, and begin now excludes it
  const again = await registerBegin(s);
  assert.deepEqual(again.excludeCredentials, [{ type: 'public-key', id: a.id }]);
  assertError(await finish(a.attestation(again, { origin: origin() })), 409, 'webauthn.credential_exists', 'id');

  // another user's challenge does not register for this one
  const other = await h.srv.login('cm00003');
  assertError(await finish(new SoftAuthenticator().attestation(await registerBegin(other), { origin: origin() })),
    400, 'webauthn.challenge_invalid');

  assertError(await finish({ id: a.id, clientDataJSON: 'x' }), 422, 'request.field_required', 'attestationObject');
  assertError(await finish({ id: a.id }), 422, 'request.field_required', 'clientDataJSON');
  const longName = a.attestation(await registerBegin(s), { origin: origin(), name: 'x'.repeat(65) });
  assertError(await finish(longName), 422, 'request.field_invalid', 'name');
});

test('AUTH-6 a registered ES256 key signs in: same session, cookie, CSRF token and audit record as password login', async () => {
  const s = await h.srv.login('cm00004');
  const a = await enrol(s, 'iPhone');
  const list = await h.srv.request('GET', `${W}/credentials`, { cookie: s.cookie });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.credentials.map((c) => [c.id, c.name]), [[a.rowId, 'iPhone']]);
  assert.equal(sqlValue(h.srv, `SELECT action FROM audit_log ORDER BY id DESC LIMIT 1`), 'webauthn_registered');

  const o = await loginBegin({ username: 'cm00004' });
  assert.equal(o.rpId, RP);
  assert.equal(o.userVerification, 'required');
  assert.deepEqual(o.allowCredentials, [{ type: 'public-key', id: a.id }]);
  const res = await post('/login/finish', null, a.assertion(o, { origin: origin() }));
  assert.equal(res.status, 200, res.text);
  const cookie = res.cookies[SESSION_COOKIE];
  assert.ok(cookie && cookie.attrs.includes('HttpOnly') && cookie.attrs.includes('SameSite=Lax'));
  assert.equal(res.json.user.username, 'cm00004');
  assert.match(res.json.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(res.json.access && Array.isArray(res.json.access.permissions));
  const pw = await h.srv.login('cm00004');
  assert.deepEqual(Object.keys(res.json).sort(), Object.keys(pw.res.json).sort(), 'the same body as password login');
  const me = await h.srv.request('GET', '/api/v1/auth/me', { cookie: cookie.value });
  assert.equal(me.status, 200);
  assert.equal(me.json.csrf_token, res.json.csrf_token);
  assert.equal(sqlValue(h.srv, `SELECT action || ' ' || detail FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1 OFFSET 1`),
    'login {"method":"webauthn"}');
  const used = await h.srv.request('GET', `${W}/credentials`, { cookie: s.cookie });
  assert.ok(used.json.credentials[0].last_used_at > 0);

  // without a username (discoverable credential), with the right user handle
  const o2 = await loginBegin();
  assert.deepEqual(o2.allowCredentials, []);
  const handle = (await registerBegin(s)).user.id;
  assert.equal((await post('/login/finish', null, a.assertion(o2, { origin: origin(), userHandle: handle }))).status, 200);
});

test('AUTH-6 login/finish refuses replay, a counter that does not move on, a bad signature, an unknown credential and bad client data', async () => {
  const s = await h.srv.login('cm00005');
  const a = await enrol(s);
  const finish = (body) => post('/login/finish', null, body);

  const o = await loginBegin({ username: 'cm00005' });
  const body = a.assertion(o, { origin: origin() });
  assert.equal((await finish(body)).status, 200);
  assertError(await finish(body), 400, 'webauthn.challenge_invalid', 'clientDataJSON');
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), counter: a.counter })),
    401, 'webauthn.assertion_failed', null);
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), tamper: true })),
    401, 'webauthn.assertion_failed', null);
  assertError(await finish(new SoftAuthenticator().assertion(await loginBegin(), { origin: origin() })),
    401, 'webauthn.assertion_failed', null);
  assertError(await finish(a.assertion(await loginBegin(), { origin: 'https://evil.example' })),
    400, 'webauthn.origin_mismatch', 'clientDataJSON');
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), type: 'webauthn.create' })),
    400, 'webauthn.type_mismatch', 'clientDataJSON');
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), rpId: 'evil.example' })),
    400, 'webauthn.rp_id_mismatch', 'authenticatorData');
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), flags: FLAG_UP })),
    400, 'webauthn.user_not_verified', 'authenticatorData');
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), flags: FLAG_UV })),
    400, 'webauthn.user_not_verified', 'authenticatorData');
  assertError(await finish(a.assertion(await registerBegin(s), { origin: origin(), rpId: RP })),
    400, 'webauthn.challenge_invalid', 'clientDataJSON'); // a registration challenge is no login challenge
  assertError(await finish({ ...a.assertion(await loginBegin(), { origin: origin() }), authenticatorData: b64u(Buffer.alloc(10)) }),
    400, 'webauthn.authenticator_data_invalid', 'authenticatorData');
  // a challenge for another user's name does not sign this user in
  assertError(await finish(a.assertion(await loginBegin({ username: 'cm00001' }), { origin: origin() })),
    401, 'webauthn.assertion_failed');
  assertError(await finish(a.assertion(await loginBegin(), { origin: origin(), userHandle: b64u(Buffer.alloc(8)) })),
    401, 'webauthn.assertion_failed');
  assertError(await post('/login/finish', null, undefined, { 'Content-Type': 'text/plain' }), 415, 'request.unsupported_media_type');
  assertError(await finish({ id: a.id }), 422, 'request.field_required', 'clientDataJSON');

  const reasons = sqlRows(h.srv, `SELECT detail FROM audit_log WHERE action = 'login_failed' AND detail LIKE '%webauthn%' ORDER BY id`).join('\n');
  for (const r of ['sign_count', 'bad_signature', 'unknown_credential', 'other_user']) assert.match(reasons, new RegExp(r));
  assert.equal((await finish(a.assertion(await loginBegin(), { origin: origin() }))).status, 200, 'the right one still works');
});

test('AUTH-6 login/begin: an unknown username gets the same answer as a user without credentials', async () => {
  const unknown = await loginBegin({ username: 'no-such-user-李四' });
  const known = await loginBegin({ username: 'cm00006' });
  assert.deepEqual(Object.keys(unknown).sort(), Object.keys(known).sort());
  assert.deepEqual(unknown.allowCredentials, []);
  assert.deepEqual(known.allowCredentials, []);
  assert.equal(unknown.rpId, known.rpId);
  assertError(await post('/login/begin', null, { username: 5 }), 422, 'request.field_type', 'username');
  const none = await h.srv.request('POST', `${W}/login/begin`, { raw: '', headers: { 'Content-Type': 'application/json' } });
  assert.equal(none.status, 200, 'no body: no username');
});

test('AUTH-6 each user sees and removes only their own devices; a removed device no longer signs in', async () => {
  const mine = await h.srv.login('cm00007');
  const theirs = await h.srv.login('cm00008');
  const a = await enrol(mine, 'Android');
  const b = await enrol(theirs, 'iPhone');
  const list = async (s) => (await h.srv.request('GET', `${W}/credentials`, { cookie: s.cookie })).json.credentials.map((c) => c.id);
  assert.deepEqual(await list(mine), [a.rowId]);
  assert.deepEqual(await list(theirs), [b.rowId]);
  const del = (s, id) => h.srv.request('DELETE', `${W}/credentials/${id}`, { cookie: s.cookie, csrf: s.csrf });
  assertError(await del(mine, b.rowId), 404, 'webauthn.credential_not_found');
  assertError(await del(mine, 'abc'), 404, 'webauthn.credential_not_found');
  assertError(await h.srv.request('DELETE', `${W}/credentials/${a.rowId}`, { cookie: mine.cookie }), 403, 'auth.csrf_failed');
  assert.deepEqual(await list(theirs), [b.rowId], 'still there');
  assert.equal((await del(mine, a.rowId)).status, 204);
  assert.equal(sqlValue(h.srv, `SELECT action FROM audit_log ORDER BY id DESC LIMIT 1`), 'webauthn_removed');
  assertError(await del(mine, a.rowId), 404, 'webauthn.credential_not_found');
  assert.deepEqual(await list(mine), []);
  assertError(await post('/login/finish', null, a.assertion(await loginBegin(), { origin: origin() })), 401, 'webauthn.assertion_failed');
  assert.equal((await post('/login/finish', null, b.assertion(await loginBegin(), { origin: origin() }))).status, 200);
  assertError(await h.srv.request('GET', `${W}/credentials`), 401, 'auth.unauthenticated');
});

test('AUTH-6 AUTH-2 biometric login respects disabled accounts, the lockout and a required password change', async () => {
  const s = await h.srv.login('cm00009');
  const a = await enrol(s);
  const finish = async () => post('/login/finish', null, a.assertion(await loginBegin(), { origin: origin() }));

  sqlRows(h.srv, `UPDATE users SET status = 'disabled' WHERE username = 'cm00009'`);
  assertError(await finish(), 403, 'auth.user_disabled');
  sqlRows(h.srv, `UPDATE users SET status = 'active', locked_until = ${Date.now() + 600000} WHERE username = 'cm00009'`);
  assertError(await finish(), 403, 'auth.account_locked');
  sqlRows(h.srv, `UPDATE users SET locked_until = 0, must_change_password = 1 WHERE username = 'cm00009'`);
  const res = await finish();
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.user.must_change_password, true);
  const cookie = res.cookies[SESSION_COOKIE].value;
  assertError(await h.srv.request('GET', `${W}/credentials`, { cookie }), 403, 'auth.password_change_required');
  sqlRows(h.srv, `UPDATE users SET must_change_password = 0 WHERE username = 'cm00009'`);

  // five bad signatures in a row lock the account like five wrong passwords
  for (let i = 1; i <= 5; i++) {
    const r = await post('/login/finish', null, a.assertion(await loginBegin(), { origin: origin(), tamper: true }));
    assertError(r, i < 5 ? 401 : 403, i < 5 ? 'webauthn.assertion_failed' : 'auth.account_locked');
  }
  assertError(await finish(), 403, 'auth.account_locked');
});

test('AUTH-6 AUTH-2 failed assertions count toward the captcha like wrong passwords; a good one ends the count', async () => {
  const s = await h.srv.login('cm00010');
  const a = await enrol(s);
  const bad = async () => post('/login/finish', null, a.assertion(await loginBegin(), { origin: origin(), tamper: true }));
  for (let i = 1; i <= 2; i++) {
    const r = await bad();
    assertError(r, 401, 'webauthn.assertion_failed');
    assert.equal(r.json.error.captcha_required, undefined, `failure ${i}: no captcha yet`);
  }
  const third = await bad();
  assertError(third, 401, 'webauthn.assertion_failed');
  assert.equal(third.json.error.captcha_required, true, 'the 3rd failure announces the captcha');
  assert.equal(sqlValue(h.srv, "SELECT hits FROM login_throttle WHERE kind = 'fail' AND subject = 'cm00010'"), '3');
  const pw = await h.srv.request('POST', '/api/v1/auth/login', { body: { username: 'cm00010', password: DEMO_PASSWORD } });
  assertError(pw, 401, 'auth.captcha_required');
  // the assertion itself needs no captcha (it cannot be guessed), and it ends both counts
  const good = await post('/login/finish', null, a.assertion(await loginBegin(), { origin: origin() }));
  assert.equal(good.status, 200, good.text);
  assert.equal(sqlValue(h.srv, "SELECT failed_logins FROM users WHERE username = 'cm00010'"), '0');
  assert.deepEqual(sqlRows(h.srv, "SELECT hits FROM login_throttle WHERE kind = 'fail' AND subject = 'cm00010'"), []);
  assert.equal((await h.srv.login('cm00010')).status, 200, 'the password alone works again');
});

test('AUTH-6 AUTH-4 a bound account still signs in with its registered phone, without a device key', async () => {
  const s = await h.srv.login('cm00011');
  const a = await enrol(s);
  sqlRows(h.srv, `UPDATE users SET device_binding = 1, device_key_hash = ${quote('ab'.repeat(32))} WHERE username = 'cm00011'`);
  const pw = await h.srv.request('POST', '/api/v1/auth/login', { body: { username: 'cm00011', password: DEMO_PASSWORD } });
  assertError(pw, 403, 'auth.device_unbound');
  const res = await post('/login/finish', null, a.assertion(await loginBegin(), { origin: origin() }));
  assert.equal(res.status, 200, res.text);
  assert.equal(sqlValue(h.srv, `SELECT device_key_hash FROM users WHERE username = 'cm00011'`), 'ab'.repeat(32), 'binding unchanged');
});

test('AUTH-6 the audit chain still verifies after WebAuthn ceremonies', async () => {
  const r = spawnSync(BIN, ['audit', 'verify', '--db', h.srv.dbUrl], { encoding: 'utf8', timeout: 30000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
