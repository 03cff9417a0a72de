// tests/api/lib/sql.js — run SQL on a test server's database (sqlite3 or psql, both
// command-line clients), and append audit entries that keep the hash chain intact
// (the same hash as src/audit/audit.c), e.g. logins on past days.
//
//   import { sql, sqlRows, appendAudit } from './lib/sql.js';
//   sql(srv, "UPDATE …");                       // throws with the client's stderr
//   sqlRows(srv, 'SELECT id, username FROM users') → [['1', 'admin'], …]
//   appendAudit(srv, {at, user_id, username, action, …}) → hash
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';

// sql(srv, text) → stdout (rows separated by newlines, columns by '|')
export function sql(srv, text) {
  const url = srv.dbUrl || srv;
  const kind = srv.dbKind || (String(url).startsWith('sqlite:') ? 'sqlite' : 'postgresql');
  const r = kind === 'postgresql'
    ? spawnSync('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-cmd', '.timeout 5000', String(url).replace(/^sqlite:/, ''), text], { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`SQL failed (${kind}): ${text}\n${r.stderr}`);
  return r.stdout;
}

export function sqlRows(srv, text) {
  return sql(srv, text).split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

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
  const last = sqlRows(srv, 'SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1');
  const prev = last.length ? last[0][0] : '0'.repeat(64);
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
