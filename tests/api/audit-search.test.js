// AUTH-7 admins search the audit log and check its hash chain over HTTP, on both
// backends: filters (actor, action, entity/target, Asia/Shanghai day bounds, ip),
// paging newest first, the stored detail as JSON, the data scope of the caller
// (ORG-4), 403 without audit.view; `fincrm init --admin` is audited as the CLI.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync, execFileSync } from 'node:child_process';
import { useServer, BIN, REPO } from './lib/server.js';
import { loadDoc, validate } from './lib/schema.js';
import { appendAudit, sql, sqlRows, shanghai } from './lib/sql.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();
const schemaOk = (name, value) =>
  assert.deepEqual(validate(doc, { $ref: `#/components/schemas/${name}` }, value), [], `not a ${name}`);
const get = (s, p) => h.srv.request('GET', p, { cookie: s.cookie });
const search = async (s, q) => {
  const r = await get(s, `/api/v1/audit?${new URLSearchParams(q)}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};

let admin;

// Entries of a made-up actor at chosen moments, for the date and detail filters.
function seedProbe() {
  const e = (when, extra = {}) => ({ at: shanghai(when), user_id: 0, username: 'date-probe', ip: '10.9.8.7',
    action: 'login_failed', object_type: 'user', object_id: '', detail: '{"reason":"unknown_user"}', ...extra });
  appendAudit(h.srv, e('2025-02-28 23:59:59.999'));
  appendAudit(h.srv, e('2025-03-01 00:00:00.000'));
  appendAudit(h.srv, e('2025-03-01 23:59:59.999', { ip: '192.168.1.5', detail: 'not json at all' }));
  appendAudit(h.srv, e('2025-03-02 00:00:00.000', {
    action: 'user.profile_updated', object_id: '424242',
    detail: '{"before":{"phone":"13812345678"},"after":{"phone":"0571-88886666"},"note":"</script>"}',
  }));
}

test('AUTH-7 only holders of audit.view search the log or verify it (403, 401)', async () => {
  admin = await h.srv.login('admin');
  for (const u of ['cm00001', 'branch001', 'county01']) {
    const s = await h.srv.login(u);
    for (const p of ['/api/v1/audit', '/api/v1/audit/verify']) {
      const r = await get(s, p);
      assert.equal(r.status, 403, `${u} ${p}`);
      assert.equal(r.json.error.code, 'auth.forbidden');
    }
  }
  assert.equal((await h.srv.request('GET', '/api/v1/audit')).status, 401);
  assert.equal((await h.srv.request('GET', '/api/v1/audit/verify')).status, 401);
});

test('AUTH-7 search: newest first, paged, each entry with actor, ip, action, entity and detail', async () => {
  const page1 = await search(admin, {});
  schemaOk('AuditList', page1);
  assert.equal(page1.page, 1);
  assert.equal(page1.size, 20);
  assert.ok(page1.total >= 4, `${page1.total} entries (the logins of the test before)`);
  const ids = page1.items.map((e) => e.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
  const newest = page1.items[0];
  assert.equal(newest.action, 'login');
  assert.equal(newest.actor.username, 'county01');
  assert.equal(typeof newest.actor.display_name, 'string');
  assert.equal(newest.ip, '127.0.0.1');
  assert.equal(newest.entity, 'user');
  assert.ok(Math.abs(newest.at - Date.now()) < 120000);

  const small = await search(admin, { size: 2, page: 2 });
  assert.equal(small.items.length, 2);
  assert.deepEqual(small.items.map((e) => e.id), ids.slice(2, 4));
  assert.equal(small.total, page1.total);
  assert.equal((await search(admin, { size: 1000 })).size, 100, 'size is cut to 100');
  assert.equal((await search(admin, { page: 100000 })).items.length, 0);
});

test('AUTH-7 search by actor, action, entity, target and ip', async () => {
  seedProbe();
  const s = await h.srv.login('cm00001', 'wrong-password-1');
  assert.equal(s.status, 401);
  assert.equal((await h.srv.login('cm00001')).status, 200);

  const byActor = await search(admin, { actor: 'cm00001' });
  assert.ok(byActor.total >= 3);
  assert.ok(byActor.items.every((e) => e.actor.username === 'cm00001'));
  const failed = await search(admin, { actor: 'cm00001', action: 'login_failed' });
  assert.equal(failed.total, 1);
  assert.deepEqual(failed.items[0].detail, { reason: 'wrong_password' });

  const probe = await search(admin, { actor: 'date-probe' });
  assert.equal(probe.total, 4);
  assert.equal(probe.items[3].actor.id, null, 'nobody signed in');
  assert.equal(probe.items[3].actor.display_name, null);

  const byEntity = await search(admin, { entity: 'user', target: '424242' });
  assert.equal(byEntity.total, 1);
  const changed = byEntity.items[0];
  assert.deepEqual(changed.before, { phone: '13812345678' });
  assert.deepEqual(changed.after, { phone: '0571-88886666' });
  assert.equal(changed.detail.note, '</script>', 'stored JSON comes back as JSON');
  const raw = await get(admin, '/api/v1/audit?target=424242');
  assert.ok(!raw.text.includes('</script>'), '"</" is escaped in the answer');

  const text = await search(admin, { actor: 'date-probe', target: 'not json' });
  assert.equal(text.total, 1, 'target finds text inside the detail');
  assert.equal(text.items[0].detail, 'not json at all', 'a detail that is not JSON comes back as a string');
  assert.equal(text.items[0].before, null);
  const wild = await search(admin, { actor: 'date-probe', target: '%' });
  assert.equal(wild.total, 0, 'LIKE wildcards are taken literally');

  const byIp = await search(admin, { ip: '10.9.' });
  assert.equal(byIp.total, 3);
  assert.ok(byIp.items.every((e) => e.ip === '10.9.8.7'));
  assert.equal((await search(admin, { ip: '192.168.1.5' })).total, 1);
});

test('AUTH-7 from/to are whole days in Asia/Shanghai, converted to millisecond bounds', async () => {
  const q = (extra) => search(admin, { actor: 'date-probe', ...extra });
  assert.equal((await q({ from: '2025-03-01', to: '2025-03-01' })).total, 2, '00:00:00.000 to 23:59:59.999');
  assert.equal((await q({ from: '2025-03-01' })).total, 3);
  assert.equal((await q({ to: '2025-02-28' })).total, 1);
  assert.equal((await q({ from: '2025-03-02', to: '2025-03-02' })).total, 1);
  assert.equal((await q({ from: '2025-02-01', to: '2025-02-27' })).total, 0);

  for (const [params, code, field] of [
    [{ from: '2025-3-1' }, 'request.date_invalid', 'from'],
    [{ from: '2025-02-29' }, 'request.date_invalid', 'from'],
    [{ to: 'yesterday' }, 'request.date_invalid', 'to'],
    [{ from: '2025-03-02', to: '2025-03-01' }, 'request.date_range_invalid', 'to'],
  ]) {
    const r = await get(admin, `/api/v1/audit?${new URLSearchParams(params)}`);
    assert.equal(r.status, 422, JSON.stringify(params));
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
});

test('AUTH-7 ORG-4 an auditor whose scope is a subtree sees only the actors inside it', async () => {
  // Give the county managers' role (scope: subtree) the audit permission.
  sql(h.srv, "INSERT INTO role_permissions (role_id, perm) SELECT id, 'audit.view' FROM roles WHERE code = 'county_manager'");
  // the one-row copy sessions read (migration 0011) moves with it, as the role editor does
  sql(h.srv, "UPDATE roles SET perm_list = perm_list || ',audit.view' WHERE code = 'county_manager'");
  const [[countyPath]] = sqlRows(h.srv,
    "SELECT o.path FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'county01'");
  const staff = (inside) => sqlRows(h.srv,
    "SELECT u.username FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username LIKE 'cm%'" +
    ` AND o.path ${inside ? '' : 'NOT '}LIKE '${countyPath}%' ORDER BY u.username LIMIT 1`)[0][0];
  const inside = staff(true);
  const outside = staff(false);
  assert.equal((await h.srv.login(inside)).status, 200);
  assert.equal((await h.srv.login(outside)).status, 200);

  const county = await h.srv.login('county01');
  const all = await search(county, { size: 100 });
  assert.ok(all.total > 0);
  const seen = new Set(all.items.map((e) => e.actor.username));
  assert.ok(seen.has('county01') && seen.has(inside), [...seen].join(','));
  assert.ok(!seen.has('admin') && !seen.has(outside) && !seen.has('date-probe'), [...seen].join(','));
  assert.equal((await search(county, { actor: outside })).total, 0);
  assert.equal((await search(county, { actor: 'admin' })).total, 0);
  assert.ok((await search(county, { actor: inside })).total >= 1);
  assert.ok((await search(admin, { actor: outside })).total >= 1, 'scope all sees everybody');
  assert.ok(all.total < (await search(admin, {})).total);
});

test('AUTH-7 GET /audit/verify reports an intact chain, and the entry where it breaks', async () => {
  const r = await get(admin, '/api/v1/audit/verify');
  assert.equal(r.status, 200, r.text);
  schemaOk('AuditVerify', r.json);
  assert.equal(r.json.intact, true);
  assert.equal(r.json.broken_at, null);
  const cli = spawnSync(BIN, ['audit', 'verify', '--db', h.srv.dbUrl], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stdout + cli.stderr);
  const n = Number(cli.stdout.match(/(\d+) entries/)[1]);
  assert.ok(Math.abs(r.json.entries - n) <= 1, `${r.json.entries} vs ${n} (the CLI sees the verify call's own session)`);

  // Someone with direct database access switches the guard off and edits an entry.
  const [[victim]] = sqlRows(h.srv, "SELECT MIN(id) FROM audit_log WHERE username = 'date-probe'");
  sql(h.srv, h.srv.dbKind === 'postgresql'
    ? `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change; UPDATE audit_log SET ip = '6.6.6.6' WHERE id = ${victim}`
    : `DROP TRIGGER audit_log_no_update; UPDATE audit_log SET ip = '6.6.6.6' WHERE id = ${victim}`);
  const broken = await get(admin, '/api/v1/audit/verify');
  assert.equal(broken.status, 200);
  assert.equal(broken.json.intact, false);
  assert.equal(broken.json.broken_at, Number(victim));
});

// A fresh database of the backend under test.
function freshDb() {
  if (process.env.FINCRM_PG_DIR) {
    const name = `fincrm_t_init_audit_${process.pid}`;
    const out = execFileSync(path.join(REPO, 'tests', 'pg.sh'), ['createdb', process.env.FINCRM_PG_DIR, name],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.trim().split('\n').pop();
  }
  return `sqlite:${path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fincrm-init-')), 'i.db')}`;
}

test('AUTH-7 `fincrm init --admin` records user.created by the CLI in the same transaction', () => {
  const url = freshDb();
  const r = spawnSync(BIN, ['init', '--db', url, '--admin', 'root', '--password', 'Str0ng-pass1'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = sqlRows(url, 'SELECT a.user_id, a.username, a.ip, a.action, a.object_type, a.object_id, a.detail, u.id' +
    " FROM audit_log a JOIN users u ON u.username = 'root' ORDER BY a.id");
  assert.equal(rows.length, 1);
  const [userId, actor, ip, action, type, objectId, detail, rootId] = rows[0];
  assert.equal(userId, '', 'no user acted');
  assert.equal(actor, 'cli');
  assert.equal(ip, 'local');
  assert.equal(action, 'user.created');
  assert.equal(type, 'user');
  assert.equal(objectId, rootId);
  assert.deepEqual(JSON.parse(detail).after.username, 'root');
  // a refused second admin leaves no record
  const again = spawnSync(BIN, ['init', '--db', url, '--admin', 'root', '--password', 'Str0ng-pass1'], { encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.equal(sqlRows(url, 'SELECT COUNT(*) FROM audit_log')[0][0], '1');
  const v = spawnSync(BIN, ['audit', 'verify', '--db', url], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stdout);
  assert.match(v.stdout, /1 entries, chain intact/);
});
