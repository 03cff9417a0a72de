// ORG-4 ORG-6 AUTH-7 AUTH-8 customers over HTTP, on both backends: the list holds
// exactly the customers of the caller's data scope (compared with the database);
// phones and ID numbers are masked for whoever is not the customer's custodian; a
// field a role hides is left out; masking "list" masks the list but not the full
// record; a full record outside the scope is 404, inside it is audited; revealing a
// masked value is its own permission, answers the clear value and is audited.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, sql, sqlValue, sqlIds, auditOf, assertError, assertSchema, allPages, memo } from './lib/org.js';

let admin;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
    // the head of branch 801010 holds two of its customers (the demo may give it none)
    sql(h.srv, `UPDATE customers SET manager_id = (SELECT id FROM users WHERE username = 'branch001')
      WHERE id IN (SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
      WHERE o.path LIKE '${unitPath('801010')}%' ORDER BY c.id DESC LIMIT 2)`);
  }),
  after, afterEach,
}, { customers: 1500 });
const CUSTOMERS = '/api/v1/customers';
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));

const userId = memo((username) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${username}'`)));
const unitPath = memo((code) => sqlValue(h.srv, `SELECT path FROM org_units WHERE code = '${code}'`));
const customersUnder = (path) => sqlIds(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
  WHERE o.path LIKE '${path}%'`);
// The stored records, read once (no test changes them after the setup):
// stored(id) → {id, mobile, id_number, address, manager_id}
let records;
function stored(id) {
  records ??= new Map(sql(h.srv, 'SELECT id, mobile, id_number, address, manager_id FROM customers')
    .map((r) => [Number(r[0]), { id: Number(r[0]), mobile: r[1], id_number: r[2], address: r[3],
      manager_id: Number(r[4]) || null }]));
  return records.get(id);
}
const ids = (items) => items.map((c) => c.id).sort((a, b) => a - b);
// AUTH-8 masks: 13812341234 → 138****1234, 440102199001011234 → 4401**********1234
const maskMobile = (v) => `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}`;
const maskId = (v) => `${v.slice(0, 4)}${'*'.repeat(v.length - 8)}${v.slice(-4)}`;

// A customer of county01's county not in county01's or branch001's custody, and one
// of another county.
const inCounty = () => Number(sqlValue(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
  WHERE o.path LIKE '${unitPath('801010')}%' AND c.manager_id IS NOT NULL AND c.manager_id <> ${userId('branch001')}
  AND c.mobile IS NOT NULL AND c.id_number IS NOT NULL ORDER BY c.id LIMIT 1`));
const otherCounty = () => Number(sqlValue(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
  WHERE o.path LIKE '${unitPath('802000')}%' ORDER BY c.id LIMIT 1`));

// Changes the field rules of a built-in role for the length of fn, then puts them back.
async function withFieldRules(roleCode, fields, fn) {
  const list = await admin.get('/api/v1/roles');
  const { id } = list.json.items.find((r) => r.code === roleCode);
  const role = (await admin.get(`/api/v1/roles/${id}`)).json;
  const put = (f) => admin.put(`/api/v1/roles/${id}`, { name: role.name, description: role.description,
    data_scope: role.data_scope, permissions: role.permissions, fields: f });
  const res = await put({ ...role.fields, ...fields });
  assert.equal(res.status, 200, res.text);
  try {
    await fn();
  } finally {
    assert.equal((await put(role.fields)).status, 200);
  }
}

test('ORG-4 the list is the caller\'s scope: admin all, county01 and branch001 their subtrees, cm00001 their own custody', async () => {
  let res = await admin.get(`${CUSTOMERS}?size=100`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', CUSTOMERS, res);
  assert.equal(res.json.total, Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM customers')));
  assert.equal(res.json.items.length, 100);

  const county = await allPages(await who('county01'), CUSTOMERS);
  assert.deepEqual(ids(county), customersUnder(unitPath('801000')));
  assert.ok(county.length > 20 && county.length < 1500);
  const branch = await allPages(await who('branch001'), CUSTOMERS);
  assert.deepEqual(ids(branch), customersUnder(unitPath('801010')));
  assert.ok(branch.length > 5 && branch.length < county.length);
  const cm = await allPages(await who('cm00001'), CUSTOMERS);
  const own = sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId('cm00001')}`);
  assert.ok(own.length > 0, 'cm00001 holds customers');
  assert.deepEqual(ids(cm), own, 'scope self: only the customers in one\'s custody');
  assert.ok(cm.every((c) => c.manager.id === userId('cm00001') && c.custodian === true));

  // a search stays inside the scope
  const no = sqlValue(h.srv, `SELECT customer_no FROM customers WHERE id = ${otherCounty()}`);
  assert.equal((await admin.get(`${CUSTOMERS}?q=${no}`)).json.total, 1);
  assert.equal((await (await who('county01')).get(`${CUSTOMERS}?q=${no}`)).json.total, 0);
  assert.equal((await h.srv.request('GET', CUSTOMERS)).status, 401);
});

test('AUTH-8 phones and ID numbers are masked for non-custodians (138****1234, 4401**********1234), clear for the custodian', async () => {
  const county = await allPages(await who('county01'), CUSTOMERS);
  let checked = 0;
  for (const c of county) {
    const s = stored(c.id);
    assert.equal(c.custodian, false);
    if (s.mobile) {
      assert.equal(c.mobile, maskMobile(s.mobile));
      assert.match(c.mobile, /^1\d{2}\*{4}\d{4}$/);
      checked++;
    }
    if (s.id_number) {
      assert.equal(c.id_number, maskId(s.id_number));
      assert.match(c.id_number, /^[0-9A-Z]{4}\*{10}[0-9A-Z]{4}$/);
    }
    assert.deepEqual(c.masked, ['id_number', 'mobile'].filter((f) => s[f]));
    assert.equal(c.address, s.address || null, 'other fields are clear');
  }
  assert.ok(checked > 20);

  // branch001 is the custodian of some of its branch's customers: those are clear
  const branch = await allPages(await who('branch001'), CUSTOMERS);
  const mine = branch.filter((c) => c.manager && c.manager.id === userId('branch001'));
  const others = branch.filter((c) => !c.manager || c.manager.id !== userId('branch001'));
  assert.ok(mine.length > 0 && others.length > 0);
  for (const c of mine) {
    const s = stored(c.id);
    assert.equal(c.custodian, true);
    assert.equal(c.mobile, s.mobile || null);
    assert.equal(c.id_number, s.id_number || null);
    assert.deepEqual(c.masked, []);
  }
  for (const c of others.filter((x) => x.mobile)) assert.equal(c.mobile, maskMobile(stored(c.id).mobile));

  const cm = await allPages(await who('cm00001'), CUSTOMERS);
  for (const c of cm) assert.equal(c.mobile, stored(c.id).mobile || null);
  // the administrator holds no custody: masked as well
  const [first] = (await admin.get(`${CUSTOMERS}?size=1`)).json.items;
  assert.equal(first.mobile, maskMobile(stored(first.id).mobile));
});

test('ORG-6 a field the role hides is left out of the list and the record', async () => {
  const id = inCounty();
  await withFieldRules('county_manager', { address: { access: 'hidden', masking: 'none' } }, async () => {
    const county = await who('county01');
    const me = await county.get('/api/v1/auth/me');
    assert.deepEqual(me.json.access.fields.address, { access: 'hidden', masking: 'none' });
    const list = await county.get(`${CUSTOMERS}?size=100`);
    assert.equal(list.status, 200);
    assert.ok(list.json.items.length > 0);
    assert.ok(list.json.items.every((c) => !('address' in c) && 'name' in c && 'mobile' in c));
    const one = await county.get(`${CUSTOMERS}/${id}`);
    assert.equal(one.status, 200, one.text);
    assert.ok(!('address' in one.json));
    assertError(await county.post(`${CUSTOMERS}/${id}/reveal`, { field: 'address' }), 422,
      'customer.field_not_masked', 'field');
    // other roles are not affected
    const branch = await (await who('branch001')).get(`${CUSTOMERS}/${id}`);
    assert.equal(branch.json.address, stored(id).address);
  });
  const back = await (await who('county01')).get(`${CUSTOMERS}/${id}`);
  assert.equal(back.json.address, stored(id).address, 'the rule put back shows the field again');
});

test('ORG-6 AUTH-8 masking "list" masks the list but not the full record; "all" masks both', async () => {
  const id = inCounty();
  const s = stored(id);
  await withFieldRules('county_manager', { mobile: { access: 'read', masking: 'list' } }, async () => {
    const county = await who('county01');
    const list = await allPages(county, CUSTOMERS);
    const row = list.find((c) => c.id === id);
    assert.equal(row.mobile, maskMobile(s.mobile));
    assert.deepEqual(row.masked, ['id_number', 'mobile']);
    const one = await county.get(`${CUSTOMERS}/${id}`);
    assert.equal(one.status, 200, one.text);
    assertSchema('GET', `${CUSTOMERS}/{id}`, one);
    assert.equal(one.json.mobile, s.mobile, 'clear on the full record');
    assert.equal(one.json.id_number, maskId(s.id_number), 'masking "all" still masks');
    assert.deepEqual(one.json.masked, ['id_number']);
  });
  await withFieldRules('county_manager', { mobile: { access: 'read', masking: 'none' } }, async () => {
    const row = (await allPages(await who('county01'), CUSTOMERS)).find((c) => c.id === id);
    assert.equal(row.mobile, s.mobile, 'masking "none": clear in the list too');
    assert.deepEqual(row.masked, ['id_number']);
  });
});

test('ORG-4 AUTH-7 the full record: 404 outside the scope, each view audited', async () => {
  const county = await who('county01');
  const id = inCounty();
  const res = await county.get(`${CUSTOMERS}/${id}`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', `${CUSTOMERS}/{id}`, res);
  assert.equal(res.json.id, id);
  assert.equal(res.json.mobile, maskMobile(stored(id).mobile));
  assert.ok(res.json.created_at > 0 && res.json.updated_at >= res.json.created_at);
  const seen = auditOf(h.srv, 'customer.viewed', id).length;
  await county.get(`${CUSTOMERS}/${id}`);
  const views = auditOf(h.srv, 'customer.viewed', id);
  assert.equal(views.length, seen + 1, 'each view is recorded');
  assert.equal(views.at(-1).user_id, userId('county01'));
  assert.equal(views.at(-1).object_type, 'customer');
  assert.equal(views.at(-1).username, 'county01');

  const n0 = auditOf(h.srv, 'customer.viewed').length;
  assertError(await county.get(`${CUSTOMERS}/${otherCounty()}`), 404, 'route.not_found');
  assertError(await (await who('branch001')).get(`${CUSTOMERS}/${otherCounty()}`), 404, 'route.not_found');
  const notMine = Number(sqlValue(h.srv, `SELECT id FROM customers WHERE manager_id IS NULL OR manager_id <>
    ${userId('cm00001')} ORDER BY id LIMIT 1`));
  assertError(await (await who('cm00001')).get(`${CUSTOMERS}/${notMine}`), 404, 'route.not_found');
  assertError(await county.get(`${CUSTOMERS}/99999999`), 404, 'route.not_found');
  assert.equal(auditOf(h.srv, 'customer.viewed').length, n0, 'a refused view is not recorded');
});

test('AUTH-8 reveal answers the clear value and is audited with the field; needs customers.reveal', async () => {
  const county = await who('county01');
  const id = inCounty();
  const s = stored(id);
  let res = await county.post(`${CUSTOMERS}/${id}/reveal`, { field: 'mobile' });
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${CUSTOMERS}/{id}/reveal`, res);
  assert.deepEqual(res.json, { field: 'mobile', value: s.mobile });
  res = await county.post(`${CUSTOMERS}/${id}/reveal`, { field: 'id_number' });
  assert.deepEqual(res.json, { field: 'id_number', value: s.id_number });
  const entries = auditOf(h.srv, 'customer.revealed', id);
  assert.deepEqual(entries.map((e) => [e.user_id, e.object_type, e.detail]), [
    [userId('county01'), 'customer', { field: 'mobile' }],
    [userId('county01'), 'customer', { field: 'id_number' }],
  ]);
  assert.ok(!JSON.stringify(entries).includes(s.mobile), 'the value itself is not in the audit log');

  const n0 = auditOf(h.srv, 'customer.revealed').length;
  assertError(await county.post(`${CUSTOMERS}/${id}/reveal`, { field: 'name' }), 422, 'customer.field_not_masked',
    'field');
  assertError(await county.post(`${CUSTOMERS}/${id}/reveal`, { field: 'salary' }), 422, 'request.field_invalid',
    'field');
  assertError(await county.post(`${CUSTOMERS}/${id}/reveal`, {}), 422, 'request.field_required', 'field');
  assertError(await county.post(`${CUSTOMERS}/${otherCounty()}/reveal`, { field: 'mobile' }), 404, 'route.not_found');
  // the custodian sees clear values: nothing to reveal
  const branch = await who('branch001');
  const own = Number(sqlValue(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId('branch001')} ORDER BY id
    LIMIT 1`));
  assertError(await branch.post(`${CUSTOMERS}/${own}/reveal`, { field: 'mobile' }), 422, 'customer.field_not_masked');
  // a role without customers.reveal (custodian) is refused before anything is read
  const cm = await who('cm00001');
  assert.ok(!(await cm.get('/api/v1/auth/me')).json.access.permissions.includes('customers.reveal'));
  assertError(await cm.post(`${CUSTOMERS}/${id}/reveal`, { field: 'mobile' }), 403, 'auth.forbidden');
  assertError(await h.srv.request('POST', `${CUSTOMERS}/${id}/reveal`, { cookie: county.cookie,
    body: { field: 'mobile' } }), 403, 'auth.csrf_failed');
  assert.equal(auditOf(h.srv, 'customer.revealed').length, n0, 'refused reveals are not recorded');
});
