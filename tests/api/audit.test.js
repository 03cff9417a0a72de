// AUTH-7 the audit log over HTTP, on both backends: logins, failed logins (also for
// unknown users) and logouts are recorded in the same transaction as the change; the
// hash chain verifies (`fincrm audit verify`); on PostgreSQL the database itself
// refuses to edit a row.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { useServer, BIN, DEMO_PASSWORD } from './lib/server.js';

const h = useServer({ before, after, afterEach });
const login = (username, password) => h.srv.request('POST', '/api/v1/auth/login', { body: { username, password } });
const verify = () => spawnSync(BIN, ['audit', 'verify', '--db', h.srv.dbUrl], { encoding: 'utf8', timeout: 30000 });

test('AUTH-7 logins, failed logins and logouts are recorded and the chain verifies', async () => {
  const before0 = verify();
  assert.equal(before0.status, 0, before0.stderr);
  const n0 = Number(before0.stdout.match(/(\d+) entries/)[1]);

  assert.equal((await login('cm00001', 'wrong-pass-1')).status, 401);
  assert.equal((await login('no-such-user-张三', 'wrong-pass-1')).status, 401);
  const s = await h.srv.login('cm00001');
  assert.equal(s.status, 200);
  const out = await h.srv.request('POST', '/api/v1/auth/logout', { cookie: s.cookie, csrf: s.csrf });
  assert.equal(out.status, 204);

  const r = verify();
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /chain intact/);
  assert.equal(Number(r.stdout.match(/(\d+) entries/)[1]), n0 + 4, r.stdout);
});

test('AUTH-7 on PostgreSQL the audit log cannot be edited or deleted', async (t) => {
  if (h.srv.dbKind !== 'postgresql') {
    t.diagnostic('SQLite: covered by tests/unit/audit_test.c (triggers and chain)');
    return;
  }
  assert.equal((await login('cm00001', DEMO_PASSWORD)).status, 200);
  for (const sql of ["UPDATE audit_log SET ip = '10.0.0.1'", 'DELETE FROM audit_log']) {
    const r = spawnSync('psql', [h.srv.dbUrl, '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, `${sql} was allowed`);
    assert.match(r.stderr, /append-only/);
  }
  assert.equal(verify().status, 0);
});
