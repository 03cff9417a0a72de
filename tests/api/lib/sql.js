// tests/api/lib/sql.js — read the test server's database directly, on either backend,
// to compute the truth a test compares the API with; run statements on it; append
// audit entries that keep the hash chain intact (the hash of src/audit/audit.c).
//
//   import { sqlRows } from './lib/sql.js';
//   const rows = sqlRows(srv, 'SELECT id, unit_id FROM customers');  // [['1', '12'], …]
//   sql(srv, "UPDATE …");                    // throws with the client's stderr
//   appendAudit(srv, {at, user_id, username, action, …}) → hash
//
// Values come back as strings (NULL as ''), one array per row. `srv` is a test
// server, or a database URL (sqlite:… or postgresql://…).
import crypto from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';

const PSQL = '/usr/lib/postgresql/15/bin/psql';

const urlOf = (srv) => (typeof srv === 'string' ? srv : srv.dbUrl);
const isPg = (srv) => (typeof srv === 'string' ? /^postgres(ql)?:/.test(srv) : srv.dbKind === 'postgresql');

export function sqlRows(srv, query) {
  let out;
  if (isPg(srv)) {
    out = execFileSync(PSQL, [urlOf(srv), '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  } else {
    const file = urlOf(srv).replace(/^sqlite:/, '');
    out = execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '\t', file, query],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export function sqlValue(srv, query) {
  const rows = sqlRows(srv, query);
  return rows.length ? rows[0][0] : undefined;
}

// sql(srv, text): runs statements (waiting up to 5 s for SQLite's write lock).
export function sql(srv, text) {
  const r = isPg(srv)
    ? spawnSync(PSQL, [urlOf(srv), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', text], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-cmd', '.timeout 5000', urlOf(srv).replace(/^sqlite:/, ''), text],
      { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`SQL failed: ${text}\n${r.stderr}`);
  return r.stdout;
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
