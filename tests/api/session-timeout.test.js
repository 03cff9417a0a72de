// AUTH-3 idle timeout: a session unused for longer than the idle limit is over. The
// server runs with --session-idle 2 (seconds) so the test need not wait 30 minutes;
// the rule and the code path are the same.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';

const h = useServer({ before, after, afterEach }, { args: ['--session-idle', '2'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('AUTH-3 a session idle for longer than the limit gets 401 auth.unauthenticated', async () => {
  const s = await h.srv.login('cm00001');
  assert.equal(s.status, 200, s.res.text);
  const fresh = await h.srv.request('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(fresh.status, 200, 'used within the limit, the session works');
  await sleep(2600);
  const stale = await h.srv.request('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(stale.status, 401, stale.text);
  assert.equal(stale.json.error.code, 'auth.unauthenticated');
  const again = await h.srv.request('GET', '/api/v1/auth/me', { cookie: s.cookie });
  assert.equal(again.status, 401, 'an expired session stays expired (it was deleted)');
});
