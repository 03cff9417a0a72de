// tests/api/lib/sql.js — read the test server's database directly, on either backend,
// to compute the truth a test compares the API with.
//
//   import { sqlRows, sqlValue, lit, captcha } from './lib/sql.js';
//   const rows = sqlRows(srv, 'SELECT id, unit_id FROM customers');  // [['1', '12'], …]
//   const n = sqlValue(srv, `SELECT COUNT(*) FROM users WHERE username = ${lit(name)}`);  // '1'
//   sqlRows(srv, 'UPDATE users SET …');  // statements without rows too: []
//   const c = await captcha(srv);   // a new captcha and its answer (AUTH-2)
//
// Values come back as strings (NULL as ''), one array per row; sqlValue gives the
// first column of the first row (undefined when there is none).
import { execFileSync } from 'node:child_process';

const PSQL = '/usr/lib/postgresql/15/bin/psql';

export function sqlRows(srv, query) {
  let out;
  if (srv.dbKind === 'postgresql') {
    out = execFileSync(PSQL, [srv.dbUrl, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  } else {
    const file = srv.dbUrl.replace(/^sqlite:/, '');
    out = execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '\t', '-cmd', '.timeout 5000', file, query],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export function sqlValue(srv, query) {
  const rows = sqlRows(srv, query);
  return rows.length ? rows[0][0] : undefined;
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
