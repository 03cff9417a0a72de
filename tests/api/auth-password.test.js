// AUTH-1 changing one's own password: the current password is checked, the new one
// follows the rule (any printable character allowed), other sessions end, this one
// stays, and the new password is the one that works afterwards.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';

const h = useServer({ before, after, afterEach });
const PW = '/api/v1/auth/password';
const change = (s, body, headers) => h.srv.request('POST', PW, { cookie: s.cookie, csrf: s.csrf, body, headers });

function assertError(res, status, code, field) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code);
  assert.equal(res.json.error.field, field);
}

test('AUTH-1 password change refuses a wrong current password, a weak or unchanged new one', async () => {
  const s = await h.srv.login('branch001');
  assertError(await change(s, { current_password: 'nope-1234', new_password: 'Good-pass-1' }), 403,
    'auth.wrong_password', 'current_password');
  assertError(await change(s, { current_password: DEMO_PASSWORD, new_password: 'short1' }), 422,
    'auth.password_weak', 'new_password');
  assertError(await change(s, { current_password: DEMO_PASSWORD, new_password: 'lettersonly' }), 422,
    'auth.password_weak', 'new_password');
  assertError(await change(s, { current_password: DEMO_PASSWORD, new_password: DEMO_PASSWORD }), 422,
    'auth.password_unchanged', 'new_password');
  assertError(await change(s, { current_password: DEMO_PASSWORD }), 422, 'request.field_required', 'new_password');
  const en = await change(s, { current_password: 'nope-1234', new_password: 'Good-pass-1' }, { 'Accept-Language': 'en' });
  assert.match(en.json.error.message, /current password is wrong/);
  const noCsrf = await h.srv.request('POST', PW, { cookie: s.cookie, body: { current_password: DEMO_PASSWORD, new_password: 'Good-pass-1' } });
  assertError(noCsrf, 403, 'auth.csrf_failed', null);
  assert.equal((await h.srv.login('branch001')).status, 200, 'nothing changed: the old password still works');
});

test('AUTH-1 a changed password works, the old one does not, other sessions end', async () => {
  const here = await h.srv.login('cm00001');
  const elsewhere = await h.srv.login('cm00001');
  const next = `N3w!<>&"'pass`;
  const res = await change(here, { current_password: DEMO_PASSWORD, new_password: next });
  assert.equal(res.status, 204, res.text);
  assert.equal((await h.srv.request('GET', '/api/v1/auth/me', { cookie: here.cookie })).status, 200, 'this session stays');
  assert.equal((await h.srv.request('GET', '/api/v1/auth/me', { cookie: elsewhere.cookie })).status, 401, 'others end');
  assert.equal((await h.srv.login('cm00001', DEMO_PASSWORD)).status, 401);
  assert.equal((await h.srv.login('cm00001', next)).status, 200);
});
