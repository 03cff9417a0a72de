// tests/api/lib/org.js — helpers for the access-control API tests: a signed-in
// client that sends its cookie and CSRF token, SQL on the server's database (both
// backends, to compare what the API answers with what is stored), the caller's
// audit entries.
//
//   const admin = await signIn(srv, 'admin');
//   const res = await admin.post('/api/v1/org/units', {code: 'X1', …});
//   const rows = sql(srv, 'SELECT id FROM customers WHERE manager_id = 16');  // [[ '65' ], …]
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { DEMO_PASSWORD } from './server.js';
import { loadDoc, validate, responseSchema } from './schema.js';

const PSQL = fs.existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql';

// sql(srv, query) → rows, each an array of strings (NULL as ''). Runs with the
// sqlite3 CLI or psql against srv.dbUrl; a failing statement throws.
export function sql(srv, query) {
  let out;
  if (srv.dbKind === 'postgresql') {
    out = execFileSync(PSQL, ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', srv.dbUrl, '-c', query],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } else {
    const file = srv.dbUrl.replace(/^sqlite:/, '');
    out = execFileSync('sqlite3', ['-bail', '-separator', '\t', file, query],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  }
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// sqlValue(srv, query) → the first column of the first row, or undefined.
export function sqlValue(srv, query) {
  const rows = sql(srv, query);
  return rows.length ? rows[0][0] : undefined;
}

// sqlIds(srv, query) → the first column of every row as sorted numbers.
export function sqlIds(srv, query) {
  return sql(srv, query).map((r) => Number(r[0])).sort((a, b) => a - b);
}

// The audit entries of an action on an object, oldest first: [{user_id, username,
// action, object_type, object_id, detail (parsed)}].
export function auditOf(srv, action, objectId) {
  const where = objectId === undefined ? '' : ` AND object_id = '${String(objectId)}'`;
  return sql(srv, `SELECT user_id, username, action, object_type, object_id, detail FROM audit_log
    WHERE action = '${action}'${where} ORDER BY id`)
    .map(([userId, username, act, objectType, oid, detail]) => ({
      user_id: userId === '' ? null : Number(userId), username, action: act, object_type: objectType,
      object_id: oid, detail: JSON.parse(detail),
    }));
}

// A client bound to one session: get/post/put/patch/del(path, body) → response.
export function client(srv, s) {
  const call = (method, p, body, headers) => srv.request(method, p, { cookie: s.cookie, csrf: s.csrf, body, headers });
  return {
    ...s,
    get: (p, headers) => call('GET', p, undefined, headers),
    post: (p, body, headers) => call('POST', p, body, headers),
    put: (p, body, headers) => call('PUT', p, body, headers),
    patch: (p, body, headers) => call('PATCH', p, body, headers),
    del: (p, headers) => call('DELETE', p, undefined, headers),
  };
}

// signIn(srv, username, password) → a client; fails the test when the login fails.
export async function signIn(srv, username, password = DEMO_PASSWORD) {
  const s = await srv.login(username, password);
  assert.equal(s.status, 200, `login ${username}: ${s.res.text}`);
  return client(srv, s);
}

// assertError(res, status, code, field): an error answer with that code (and field,
// when given; null checks that no field is named).
export function assertError(res, status, code, field) {
  assert.equal(res.status, status, `${code}: ${res.text}`);
  assert.equal(res.json.error.code, code, res.text);
  if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
}

// Every item of a paged list: follows the pages of `path` (size 100).
export async function allPages(c, p) {
  const sep = p.includes('?') ? '&' : '?';
  const items = [];
  for (let page = 1; ; page++) {
    const res = await c.get(`${p}${sep}size=100&page=${page}`);
    assert.equal(res.status, 200, res.text);
    items.push(...res.json.items);
    if (items.length >= res.json.total || res.json.items.length === 0) {
      assert.equal(items.length, res.json.total, `${p}: pages add up to total`);
      return items;
    }
  }
}

// assertSchema(method, pathTemplate, res): the answer is what src/api/openapi.json
// documents for that route and status.
let doc;
export function assertSchema(method, p, res) {
  doc ??= loadDoc();
  const schema = responseSchema(doc, method, p, res.status);
  assert.ok(schema, `openapi.json documents ${method} ${p} ${res.status}`);
  assert.deepEqual(validate(doc, schema, res.json), [], `${method} ${p} does not match openapi.json: ${res.text}`);
}

export const NEW_PASSWORD = 'Chg-pass-2026';

// newUser(srv, admin, fields, {signIn}) → {id, user, oneTime, c}: a user made through
// POST /api/v1/users and signed in with the one-time password (c, a client). The
// must-change flag is cleared in the database rather than through a password change:
// each argon2id hash costs real time, and the change itself is tested on its own
// (org-users.test.js). With {signIn: false} there is no session (c undefined).
export async function newUser(srv, admin, fields, opts = {}) {
  const made = await admin.post('/api/v1/users', { display_name: '测试用户', ...fields });
  assert.equal(made.status, 201, made.text);
  const { user, one_time_password: oneTime } = made.json;
  if (opts.signIn === false) return { id: user.id, user, oneTime };
  sql(srv, `UPDATE users SET must_change_password = 0 WHERE id = ${user.id}`);
  return { id: user.id, user, oneTime, c: await signIn(srv, user.username, oneTime) };
}

// memo(fn): fn of one key, each key computed once (ids of demo users and units
// do not change; every SQL lookup starts a process).
export function memo(fn) {
  const seen = new Map();
  return (key) => {
    if (!seen.has(key)) seen.set(key, fn(key));
    return seen.get(key);
  };
}
