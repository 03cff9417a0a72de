// tests/api/lib/sql.js — read the test server's database directly, on either backend,
// to compute the truth a test compares the API with.
//
//   import { sqlRows } from './lib/sql.js';
//   const rows = sqlRows(srv, 'SELECT id, unit_id FROM customers');  // [['1', '12'], …]
//
// Values come back as strings (NULL as ''), one array per row.
import { execFileSync } from 'node:child_process';

const PSQL = '/usr/lib/postgresql/15/bin/psql';

export function sqlRows(srv, query) {
  let out;
  if (srv.dbKind === 'postgresql') {
    out = execFileSync(PSQL, [srv.dbUrl, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', query],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  } else {
    const file = srv.dbUrl.replace(/^sqlite:/, '');
    out = execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '\t', file, query],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
  }
  return out.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export function sqlValue(srv, query) {
  const rows = sqlRows(srv, query);
  return rows.length ? rows[0][0] : undefined;
}
