// AUTH-2 lockout: 5 failed logins in a row lock the account for 15 minutes; while
// locked even the right password is refused; a success before the limit starts the
// count again; other accounts are not affected. From the 3rd failure on, each
// attempt needs a captcha (auth-captcha.test.js): these tests solve it.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';
import { captchaSolver } from './lib/sql.js';

const h = useServer({ before, after, afterEach });
// A login that brings a solved captcha when the previous answer asked for one.
let solver;
const login = (username, password, headers) => (solver ||= captchaSolver(h.srv))(username, password, headers);

test('AUTH-2 four failures, then the right password: signed in, and the count starts again', async () => {
  for (let i = 0; i < 4; i++) {
    const r = await login('county01', 'wrong-pass-1');
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'auth.invalid_credentials');
  }
  assert.equal((await login('county01', DEMO_PASSWORD)).status, 200);
  for (let i = 0; i < 4; i++) assert.equal((await login('county01', 'wrong-pass-1')).status, 401);
  assert.equal((await login('county01', DEMO_PASSWORD)).status, 200, 'the count was reset by the success');
});

test('AUTH-2 the 5th failure locks the account; the right password is then refused', async () => {
  for (let i = 0; i < 4; i++) {
    const r = await login('branch001', 'wrong-pass-1');
    assert.equal(r.json.error.code, 'auth.invalid_credentials', `failure ${i + 1}`);
  }
  const fifth = await login('branch001', 'wrong-pass-1');
  assert.equal(fifth.status, 403);
  assert.equal(fifth.json.error.code, 'auth.account_locked');
  assert.match(fifth.json.error.message, /15 分钟/);
  const right = await login('branch001', DEMO_PASSWORD, { 'Accept-Language': 'en' });
  assert.equal(right.status, 403);
  assert.equal(right.json.error.code, 'auth.account_locked');
  assert.match(right.json.error.message, /15 minutes/);
  assert.equal(right.headers['set-cookie'], undefined, 'no session for a locked account');
  assert.equal((await login('cm00001', DEMO_PASSWORD)).status, 200, 'other accounts are not affected');
});
