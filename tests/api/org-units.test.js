// ORG-1 the org tree over HTTP, on both backends: units at valid levels only (bank
// province > county > branch > outlet, brokerage company > center > department >
// team), unique codes, roots only at the top level, rename and code change, moves
// that carry the subtree's paths along and refuse cycles, closing only empty units,
// reopening only under an open parent, org.manage needed to change anything, and
// every change in the audit log.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, sql, sqlValue, auditOf, assertError, assertSchema } from './lib/org.js';

// one server for the file; the admin signs in once it is up
let admin;
const h = useServer({
  before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach,
}, { customers: 20 });
const UNITS = '/api/v1/org/units';

const ADMIN_ID = 1;
let seq = 0;
const code = () => `T-ORG-${process.pid % 1000}-${++seq}`;

async function units(c = admin) {
  const res = await c.get(UNITS);
  assert.equal(res.status, 200, res.text);
  return res.json.items;
}

async function unitById(id) {
  return (await units()).find((u) => u.id === id);
}

// A unit by demo code (county 801000, its first branch 801010 …).
async function unitByCode(c) {
  const u = (await units()).find((x) => x.code === c);
  assert.ok(u, `unit ${c}`);
  return u;
}

async function create(body, status = 201) {
  const res = await admin.post(UNITS, body);
  assert.equal(res.status, status, res.text);
  return res.json;
}

test('ORG-1 GET /org/units: the whole tree, flat, for any signed-in user; counts of active users', async () => {
  const cm = await signIn(h.srv, 'cm00001');
  const res = await cm.get(UNITS);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', UNITS, res);
  const items = res.json.items;
  assert.equal(items.length, Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM org_units')));
  const root = items.find((u) => u.parent_id === null);
  assert.equal(root.level, 'province');
  assert.equal(root.path, `/${root.id}/`);
  for (const u of items.filter((x) => x.parent_id !== null)) {
    const parent = items.find((p) => p.id === u.parent_id);
    assert.equal(u.path, `${parent.path}${u.id}/`, `path of ${u.code}`);
  }
  const active = Number(sqlValue(h.srv, "SELECT COUNT(*) FROM users WHERE status = 'active'"));
  assert.equal(items.reduce((n, u) => n + u.user_count, 0), active);
  assert.equal((await h.srv.request('GET', UNITS)).status, 401, 'no session: 401');
});

test('ORG-1 a child is created at a lower level of the same family, with its path; audited', async () => {
  const branch = await unitByCode('801010');
  const res = await admin.post(UNITS, { parent_id: branch.id, code: code(), name: '测试网点', level: 'outlet', sort_order: 7 });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', UNITS, res);
  const u = res.json;
  assert.equal(u.parent_id, branch.id);
  assert.equal(u.level, 'outlet');
  assert.equal(u.status, 'active');
  assert.equal(u.sort_order, 7);
  assert.equal(u.path, `${branch.path}${u.id}/`);
  assert.deepEqual(await unitById(u.id), { ...u, user_count: 0 });

  const [entry] = auditOf(h.srv, 'org.unit_created', u.id);
  assert.equal(entry.user_id, ADMIN_ID);
  assert.equal(entry.object_type, 'org_unit');
  assert.equal(entry.detail.after.name, '测试网点');
  assert.equal(entry.detail.after.level, 'outlet');
});

test('ORG-1 invalid levels, duplicate codes, bad input and unknown parents are refused', async () => {
  const branch = await unitByCode('801010');
  const n0 = Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM org_units'));
  // same level or higher than the parent, another family, an unknown level
  for (const level of ['branch', 'county', 'province', 'team', 'planet']) {
    assertError(await admin.post(UNITS, { parent_id: branch.id, code: code(), name: 'x', level }), 422,
      'org.level_invalid', 'level');
  }
  // an outlet has no lower level
  const outlet = await create({ parent_id: branch.id, code: code(), name: '网点', level: 'outlet' });
  assertError(await admin.post(UNITS, { parent_id: outlet.id, code: code(), name: 'x', level: 'outlet' }), 422,
    'org.level_invalid', 'level');
  // a code in use (a demo code and a new one)
  assertError(await admin.post(UNITS, { parent_id: branch.id, code: '801011', name: 'x', level: 'outlet' }), 409,
    'org.code_taken', 'code');
  assertError(await admin.post(UNITS, { parent_id: branch.id, code: outlet.code, name: 'x', level: 'outlet' }), 409,
    'org.code_taken', 'code');
  // the body
  assertError(await admin.post(UNITS, { parent_id: branch.id, code: 'a b', name: 'x', level: 'outlet' }), 422,
    'request.field_invalid', 'code');
  assertError(await admin.post(UNITS, { parent_id: branch.id, code: code(), level: 'outlet' }), 422,
    'request.field_required', 'name');
  assertError(await admin.post(UNITS, { parent_id: branch.id, code: code(), name: 'x' }), 422,
    'request.field_required', 'level');
  assertError(await admin.post(UNITS, { parent_id: String(branch.id), code: code(), name: 'x', level: 'outlet' }),
    422, 'request.field_type', 'parent_id');
  assertError(await admin.post(UNITS, { parent_id: 999999, code: code(), name: 'x', level: 'outlet' }), 422,
    'request.field_invalid', 'parent_id');
  assertError(await admin.post(UNITS, [1]), 400, 'request.not_object');
  assert.equal(Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM org_units')), n0 + 1, 'only the valid outlet was made');
});

test('ORG-1 roots: only a top level (province, company) may have no parent', async () => {
  const bank = await create({ parent_id: null, code: code(), name: '另一联社', level: 'province' });
  assert.equal(bank.parent_id, null);
  assert.equal(bank.path, `/${bank.id}/`);
  const firm = await create({ code: code(), name: '某助贷公司', level: 'company' });
  assert.equal(firm.path, `/${firm.id}/`);
  const center = await create({ parent_id: firm.id, code: code(), name: '业务中心', level: 'center' });
  assert.equal(center.path, `/${firm.id}/${center.id}/`);
  for (const level of ['county', 'outlet', 'center', 'team']) {
    assertError(await admin.post(UNITS, { code: code(), name: 'x', level }), 422, 'org.level_invalid', 'level');
  }
  // a top level only as a root
  assertError(await admin.post(UNITS, { parent_id: bank.id, code: code(), name: 'x', level: 'province' }), 422,
    'org.level_invalid', 'level');
  assertError(await admin.post(UNITS, { parent_id: firm.id, code: code(), name: 'x', level: 'county' }), 422,
    'org.level_invalid', 'level');
});

test('ORG-1 rename, code change and sort order; a taken code is refused; audited before/after', async () => {
  const branch = await unitByCode('801010');
  const u = await create({ parent_id: branch.id, code: code(), name: '旧名称', level: 'outlet' });
  const p = `${UNITS}/${u.id}`;

  let res = await admin.patch(p, { name: '  新名称 ' });
  assert.equal(res.status, 200, res.text);
  assertSchema('PATCH', `${UNITS}/{id}`, res);
  assert.equal(res.json.name, '新名称', 'blanks around a name are trimmed');
  assert.equal(res.json.code, u.code);

  const newCode = code();
  res = await admin.patch(p, { code: newCode, sort_order: 3 });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.code, newCode);
  assert.equal(res.json.name, '新名称');
  assert.equal(res.json.sort_order, 3);
  assert.equal(sqlValue(h.srv, `SELECT code FROM org_units WHERE id = ${u.id}`), newCode);

  assertError(await admin.patch(p, { code: '801011' }), 409, 'org.code_taken', 'code');
  assertError(await admin.patch(p, { code: 'bad code!' }), 422, 'request.field_invalid', 'code');
  assertError(await admin.patch(p, { name: '' }), 422, 'request.field_required', 'name');
  assertError(await admin.patch(p, { name: null }), 422, 'request.field_required', 'name');
  assertError(await admin.patch(p, { code: null }), 422, 'request.field_required', 'code');
  assertError(await admin.patch(`${UNITS}/999999`, { name: 'x' }), 404, 'route.not_found', null);
  res = await admin.patch(p, { code: newCode });
  assert.equal(res.status, 200, 'keeping its own code is not a conflict');

  const entries = auditOf(h.srv, 'org.unit_updated', u.id);
  assert.equal(entries.length, 3);
  assert.equal(entries[0].detail.before.name, '旧名称');
  assert.equal(entries[0].detail.after.name, '新名称');
  assert.equal(entries[1].detail.before.code, u.code);
  assert.equal(entries[1].detail.after.code, newCode);
  assert.equal(entries[1].detail.after.sort_order, 3);
});

test('ORG-1 a move carries the subtree along; moves into its own subtree or to a wrong level are refused', async () => {
  const countyA = await unitByCode('801000');
  const countyB = await unitByCode('802000');
  const br = await create({ parent_id: countyA.id, code: code(), name: '搬迁支行', level: 'branch' });
  const o1 = await create({ parent_id: br.id, code: code(), name: '网点一', level: 'outlet' });
  const o2 = await create({ parent_id: br.id, code: code(), name: '网点二', level: 'outlet' });

  const res = await admin.post(`${UNITS}/${br.id}/move`, { parent_id: countyB.id });
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${UNITS}/{id}/move`, res);
  assert.equal(res.json.parent_id, countyB.id);
  assert.equal(res.json.path, `${countyB.path}${br.id}/`);
  const after = await units();
  assert.equal(after.find((u) => u.id === o1.id).path, `${countyB.path}${br.id}/${o1.id}/`);
  assert.equal(after.find((u) => u.id === o2.id).path, `${countyB.path}${br.id}/${o2.id}/`);
  assert.equal(after.find((u) => u.id === o1.id).parent_id, br.id, 'children keep their parent');
  assert.equal(Number(sqlValue(h.srv, `SELECT COUNT(*) FROM org_units WHERE path LIKE '${countyA.path}${br.id}/%'`)), 0,
    'nothing is left under the old path');

  const [entry] = auditOf(h.srv, 'org.unit_moved', br.id);
  assert.deepEqual(entry.detail, { before: { parent_id: countyA.id }, after: { parent_id: countyB.id } });

  // cycles: under itself, under its own child
  assertError(await admin.post(`${UNITS}/${br.id}/move`, { parent_id: br.id }), 422, 'org.move_cycle', 'parent_id');
  assertError(await admin.post(`${UNITS}/${br.id}/move`, { parent_id: o1.id }), 422, 'org.move_cycle', 'parent_id');
  // a county under one of its own branches: a cycle before a level question
  assertError(await admin.post(`${UNITS}/${countyB.id}/move`, { parent_id: br.id }), 422, 'org.move_cycle');
  // wrong level: a branch under a branch, an outlet under an outlet, a bank unit under a brokerage one
  const other = await unitByCode('801010');
  const firm = await create({ code: code(), name: '助贷公司', level: 'company' });
  assertError(await admin.post(`${UNITS}/${br.id}/move`, { parent_id: other.id }), 422, 'org.level_invalid');
  assertError(await admin.post(`${UNITS}/${o1.id}/move`, { parent_id: (await unitByCode('801011')).id }), 422,
    'org.level_invalid');
  assertError(await admin.post(`${UNITS}/${br.id}/move`, { parent_id: firm.id }), 422, 'org.level_invalid');
  // an outlet to another branch is fine, and so is one straight under a county (any lower level)
  const moved = await admin.post(`${UNITS}/${o2.id}/move`, { parent_id: other.id });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.path, `${other.path}${o2.id}/`);
  const skip = await admin.post(`${UNITS}/${o2.id}/move`, { parent_id: countyA.id });
  assert.equal(skip.status, 200, skip.text);
  assert.equal(skip.json.path, `${countyA.path}${o2.id}/`);
  // unknown unit, unknown or missing parent
  assertError(await admin.post(`${UNITS}/999999/move`, { parent_id: countyA.id }), 404, 'route.not_found', null);
  assertError(await admin.post(`${UNITS}/${br.id}/move`, { parent_id: 999999 }), 422, 'request.field_invalid',
    'parent_id');
  assertError(await admin.post(`${UNITS}/${br.id}/move`, {}), 422, 'request.field_required', 'parent_id');
  assert.equal((await unitById(br.id)).path, `${countyB.path}${br.id}/`, 'refused moves changed nothing');
});

test('ORG-1 close: refused while active users or open children remain; close, reopen; not under a closed parent', async () => {
  const county = await unitByCode('801000');
  assertError(await admin.post(`${UNITS}/${county.id}/close`), 409, 'org.unit_not_empty');
  const br = await create({ parent_id: county.id, code: code(), name: '撤并支行', level: 'branch' });
  const o1 = await create({ parent_id: br.id, code: code(), name: '撤并网点', level: 'outlet' });

  // open children keep the branch open
  assertError(await admin.post(`${UNITS}/${br.id}/close`), 409, 'org.unit_not_empty');

  // an active user keeps the outlet open; a disabled one does not
  const position = sqlValue(h.srv, "SELECT id FROM positions WHERE code = 'customer_manager'");
  const made = await admin.post('/api/v1/users', {
    username: `org1u${process.pid % 10000}`, display_name: '撤并员工', unit_id: o1.id, position_id: Number(position),
  });
  assert.equal(made.status, 201, made.text);
  assertError(await admin.post(`${UNITS}/${o1.id}/close`), 409, 'org.unit_not_empty');
  assert.equal((await admin.post(`/api/v1/users/${made.json.user.id}/disable`)).status, 200);

  let res = await admin.post(`${UNITS}/${o1.id}/close`);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${UNITS}/{id}/close`, res);
  assert.equal(res.json.status, 'closed');
  assert.equal((await unitById(o1.id)).status, 'closed');
  // nothing new under a closed unit, nothing moves under it
  assertError(await admin.post(UNITS, { parent_id: o1.id, code: code(), name: 'x', level: 'outlet' }), 422,
    'org.parent_closed', 'parent_id');
  const o2 = await create({ parent_id: br.id, code: code(), name: '网点二', level: 'outlet' });
  assert.equal((await admin.post(`${UNITS}/${o2.id}/close`)).status, 200);

  // only closed children: the branch closes; a new child under it is refused
  res = await admin.post(`${UNITS}/${br.id}/close`);
  assert.equal(res.status, 200, res.text);
  assertError(await admin.post(UNITS, { parent_id: br.id, code: code(), name: 'x', level: 'outlet' }), 422,
    'org.parent_closed', 'parent_id');
  const elsewhere = await create({ parent_id: (await unitByCode('801010')).id, code: code(), name: '网点三', level: 'outlet' });
  assertError(await admin.post(`${UNITS}/${elsewhere.id}/move`, { parent_id: br.id }), 422, 'org.parent_closed');

  // reopening a child under a closed parent is refused; parent first, then the child
  assertError(await admin.post(`${UNITS}/${o1.id}/reopen`), 422, 'org.parent_closed');
  res = await admin.post(`${UNITS}/${br.id}/reopen`);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${UNITS}/{id}/reopen`, res);
  assert.equal(res.json.status, 'active');
  res = await admin.post(`${UNITS}/${o1.id}/reopen`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'active');
  assertError(await admin.post(`${UNITS}/999999/close`), 404, 'route.not_found');
  assertError(await admin.post(`${UNITS}/999999/reopen`), 404, 'route.not_found');

  assert.equal(auditOf(h.srv, 'org.unit_closed', o1.id).length, 1);
  assert.equal(auditOf(h.srv, 'org.unit_closed', br.id).length, 1);
  assert.equal(auditOf(h.srv, 'org.unit_reopened', br.id).length, 1);
  assert.equal(auditOf(h.srv, 'org.unit_reopened', o1.id)[0].user_id, ADMIN_ID);
  assert.equal(auditOf(h.srv, 'org.unit_closed', county.id).length, 0, 'a refused close is not recorded');
});

test('ORG-1 ORG-3 changing the tree needs org.manage (403 auth.forbidden); reading does not', async () => {
  const county = await unitByCode('801000');
  const branch = await unitByCode('801010');
  const n0 = sql(h.srv, 'SELECT id, code, name, path, status FROM org_units ORDER BY id');
  for (const who of ['county01', 'branch001', 'cm00001']) {
    const c = await signIn(h.srv, who);
    assert.equal((await c.get(UNITS)).status, 200);
    assertError(await c.post(UNITS, { parent_id: branch.id, code: code(), name: 'x', level: 'outlet' }), 403,
      'auth.forbidden');
    assertError(await c.patch(`${UNITS}/${branch.id}`, { name: 'x' }), 403, 'auth.forbidden');
    assertError(await c.post(`${UNITS}/${branch.id}/move`, { parent_id: county.id }), 403, 'auth.forbidden');
    assertError(await c.post(`${UNITS}/${branch.id}/close`), 403, 'auth.forbidden');
    assertError(await c.post(`${UNITS}/${branch.id}/reopen`), 403, 'auth.forbidden');
  }
  // the admin without the CSRF token
  const noCsrf = await h.srv.request('PATCH', `${UNITS}/${branch.id}`, { cookie: admin.cookie, body: { name: 'x' } });
  assertError(noCsrf, 403, 'auth.csrf_failed');
  assert.deepEqual(sql(h.srv, 'SELECT id, code, name, path, status FROM org_units ORDER BY id'), n0, 'nothing changed');
});
