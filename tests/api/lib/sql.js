// tests/api/lib/sql.js — read and change the test server's database directly, on
// either backend (the sqlite3 CLI or psql on srv.dbUrl), to compute the truth a test
// compares the API with, or to set up a state the API cannot reach quickly.
//
//   import { sqlRows, sqlValue, sqlIds, lit, captcha } from './lib/sql.js';
//   const rows = sqlRows(srv, 'SELECT id, unit_id FROM customers');  // [['1', '12'], …]
//   const n = sqlValue(srv, `SELECT COUNT(*) FROM users WHERE username = ${lit(name)}`);  // '1'
//   const ids = sqlIds(srv, 'SELECT id FROM customers WHERE manager_id = 16');  // [65, …]
//   sqlRows(srv, 'UPDATE users SET …');  // statements without rows too: []
//   const c = await captcha(srv);   // a new captcha and its answer (AUTH-2)
//   const login = captchaSolver(srv); await login('cm00001', 'wrong-pass-1');
//
// Values come back as strings (NULL as ''), one array per row. A failing statement
// throws (with the client's message).
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

const PSQL = fs.existsSync('/usr/lib/postgresql/15/bin/psql') ? '/usr/lib/postgresql/15/bin/psql' : 'psql';

export function sqlRows(srv, query) {
  let out;
  if (srv.dbKind === 'postgresql') {
    out = execFileSync(PSQL, ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', srv.dbUrl, '-c', query],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } else {
    const file = srv.dbUrl.replace(/^sqlite:/, '');
    out = execFileSync('sqlite3', ['-batch', '-bail', '-noheader', '-separator', '\t', '-cmd', '.timeout 5000', file, query],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
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

// A string as an SQL literal.
export function lit(s) {
  return `'${String(s).replace(/'/g, "''")}'`;
}

// A new captcha from the server (GET /api/v1/auth/captcha), with its answer read
// from the database.
export async function captcha(srv, opts = {}) {
  const res = await srv.request('GET', '/api/v1/auth/captcha', opts);
  if (res.status !== 200) throw new Error(`GET /auth/captcha: ${res.status} ${res.text}`);
  return { ...res.json, answer: sqlValue(srv, `SELECT answer FROM captchas WHERE id = ${lit(res.json.captcha_id)}`) };
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
