// tests/api/lib/sql.js — the test server's database, directly, on either backend (the
// sqlite3 CLI or psql): read the truth a test compares the API with, set up a state
// the API cannot reach quickly, append audit entries that keep the hash chain intact
// (the hash of src/audit/audit.c), and solve captchas (AUTH-2) from the stored answer.
//
//   import { sqlRows, sqlValue, sqlIds, sql, quote, captcha } from './lib/sql.js';
//   const rows = sqlRows(srv, 'SELECT id, unit_id FROM customers');  // [['1', '12'], …]
//   const n = sqlValue(srv, `SELECT COUNT(*) FROM users WHERE username = ${quote(name)}`);  // '1'
//   const ids = sqlIds(srv, 'SELECT id FROM customers WHERE manager_id = 16');  // [65, …]
//   sql(srv, "UPDATE …; DELETE …");           // statements; throws with the client's stderr
//   appendAudit(srv, {at, user_id, username, action, …}) → hash
//   const c = await captcha(srv);             // a new captcha and its answer
//   const login = captchaSolver(srv); await login('cm00001', 'wrong-pass-1');
//
// Values come back as strings (NULL as ''), one array per row. `srv` is a test
// server, or a database URL (sqlite:… or postgresql://…). SQLite waits up to 5 s for
// the server's write lock.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const PSQL = fs.existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql';

const urlOf = (srv) => (typeof srv === 'string' ? srv : srv.dbUrl);
const isPg = (srv) => (typeof srv === 'string' ? /^postgres(ql)?:/.test(srv) : srv.dbKind === 'postgresql');

export function sqlRows(srv, query) {
  const opts = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 };
  let out;
  try {
    out = isPg(srv)
      ? execFileSync(PSQL, [urlOf(srv), '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query], opts)
      : execFileSync('sqlite3', ['-batch', '-bail', '-noheader', '-separator', '\t', '-cmd', '.timeout 5000',
        urlOf(srv).replace(/^sqlite:/, ''), query], opts);
  } catch (e) {
    throw new Error(`SQL failed: ${query}\n${e.stderr || e.message}`);
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

// The first column of the first row, or undefined.
export function sqlValue(srv, query) {
  const rows = sqlRows(srv, query);
  return rows.length ? rows[0][0] : undefined;
}

// The first column of every row as sorted numbers.
export function sqlIds(srv, query) {
  return sqlRows(srv, query).map((r) => Number(r[0])).sort((a, b) => a - b);
}

// Runs statements for their effect.
export function sql(srv, text) {
  sqlRows(srv, text);
}

// A value as an SQL literal (null and undefined as NULL).
export const quote = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replace(/'/g, "''")}'`);

// The hash of src/audit/audit.c: SHA-256 over "<bytes>:<text>|" of each field.
export function auditHash(prev, at, e) {
  const h = crypto.createHash('sha256');
  const put = (s) => {
    const b = Buffer.from(String(s), 'utf8');
    h.update(`${b.length}:`);
    h.update(b);
    h.update('|');
  };
  put(prev);
  put(String(at));
  put(String(e.user_id || 0));
  put(e.username || '');
  put(e.ip || '');
  put(e.action);
  put(e.object_type || '');
  put(e.object_id || '');
  put(e.detail ?? '{}');
  return h.digest('hex');
}

// Appends one entry after the newest one, as audit_write() would (not concurrently
// with the server writing: tests call it between requests).
export function appendAudit(srv, e) {
  const prev = sqlValue(srv, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1') || '0'.repeat(64);
  const hash = auditHash(prev, e.at, e);
  sql(srv, 'INSERT INTO audit_log (at, user_id, username, ip, action, object_type, object_id, detail, prev_hash, hash)' +
    ` VALUES (${Number(e.at)}, ${e.user_id ? Number(e.user_id) : 'NULL'}, ${quote(e.username || '')},` +
    ` ${quote(e.ip || '')}, ${quote(e.action)}, ${quote(e.object_type || '')}, ${quote(e.object_id || '')},` +
    ` ${quote(e.detail ?? '{}')}, ${quote(prev)}, ${quote(hash)})`);
  return hash;
}

// Unix ms of a wall-clock time in Asia/Shanghai (UTC+8): shanghai('2026-01-10 23:30')
export function shanghai(text) {
  const [d, t = '00:00:00.000'] = text.split(' ');
  return Date.parse(`${d}T${t.length === 5 ? `${t}:00` : t}+08:00`);
}

// A new captcha from the server (GET /api/v1/auth/captcha), with its answer read
// from the database (AUTH-2).
export async function captcha(srv, opts = {}) {
  const res = await srv.request('GET', '/api/v1/auth/captcha', opts);
  if (res.status !== 200) throw new Error(`GET /auth/captcha: ${res.status} ${res.text}`);
  return { ...res.json, answer: sqlValue(srv, `SELECT answer FROM captchas WHERE id = ${quote(res.json.captcha_id)}`) };
}

// A login(username, password, headers) that solves a captcha whenever the previous
// answer for that name asked for one (error.captcha_required), like a person would:
// for tests that need more than 3 failures in a row (AUTH-2 lockout).
export function captchaSolver(srv) {
  const needs = {};
  return async function login(username, password, headers) {
    const body = { username, password };
    if (needs[username]) {
      const c = await captcha(srv);
      Object.assign(body, { captcha_id: c.captcha_id, captcha_answer: c.answer });
    }
    const r = await srv.request('POST', '/api/v1/auth/login', { body, headers });
    needs[username] = r.status === 200 ? false : Boolean(r.json && r.json.error.captcha_required);
    return r;
  };
}
