// ORG-5 (the organisation part): the three management posts exist, each mapped to a
// role whose data scope matches its level, and the demo places each post at a unit
// of that level — so the level summaries of the alerts issue (ALR-10…12) have
// their audience. The alerts themselves come with that issue.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { sqlRows } from './lib/sql.js';

const h = useServer({ before, after, afterEach }, { customers: 50 });

test('ORG-5 the management posts of branch, county and province are preloaded with the scope of their level', async () => {
  const admin = await h.srv.login('admin');
  const res = await h.srv.request('GET', '/api/v1/positions', { cookie: admin.cookie });
  assert.equal(res.status, 200);
  const scopeOf = Object.fromEntries(
    sqlRows(h.srv, 'SELECT code, data_scope FROM roles').map(([code, scope]) => [code, scope]));
  const posts = Object.fromEntries(res.json.items.map((p) => [p.code, p]));
  for (const [post, scope] of [['branch_admin', 'subtree'], ['county_admin', 'subtree'], ['province_admin', 'all']]) {
    assert.ok(posts[post], `position ${post} exists`);
    assert.equal(scopeOf[posts[post].role.code], scope, `${post} sees ${scope}`);
  }
});

test('ORG-5 each management post sits at a unit of its own level', async () => {
  const rows = sqlRows(h.srv,
    `SELECT p.code, o.level, COUNT(*) FROM users u JOIN positions p ON p.id = u.position_id
     JOIN org_units o ON o.id = u.unit_id
     WHERE p.code IN ('branch_admin', 'county_admin', 'province_admin') GROUP BY p.code, o.level`);
  const levelOf = { branch_admin: 'branch', county_admin: 'county', province_admin: 'province' };
  assert.equal(new Set(rows.map((r) => r[0])).size, 3, 'every post is held by someone');
  for (const [post, level] of rows) assert.equal(level, levelOf[post], `${post} holders sit at ${level} units`);
});

test('ORG-5 a county management post sees its whole county and nothing beyond it', async () => {
  const county = await h.srv.login('county01');
  const res = await h.srv.request('GET', '/api/v1/customers?size=100', { cookie: county.cookie });
  assert.equal(res.status, 200);
  const [[path]] = sqlRows(h.srv,
    "SELECT o.path FROM users u JOIN org_units o ON o.id = u.unit_id WHERE u.username = 'county01'");
  const [[expected]] = sqlRows(h.srv,
    `SELECT COUNT(*) FROM customers c JOIN org_units o ON o.id = c.unit_id WHERE o.path LIKE '${path}%'`);
  assert.equal(res.json.total, Number(expected));
});
