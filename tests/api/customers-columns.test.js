// CUS-9 the work panel: each user chooses and orders the columns of customer lists;
// the system columns (customer number, name) stay first; a column the role hides
// cannot be chosen; the list selects and writes only the chosen columns.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, assertError, assertSchema } from './lib/org.js';
import { sqlValue } from './lib/sql.js';

const COLUMNS = '/api/v1/me/customer-columns';
const CUSTOMERS = '/api/v1/customers';
const h = useServer({ before: (start) => before(start), after, afterEach }, { customers: 200 });
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));

test('CUS-9 the default columns, and every column the caller may show', async () => {
  const cm = await who('cm00001');
  const res = await cm.get(COLUMNS);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', COLUMNS, res);
  assert.equal(res.json.custom, false);
  assert.deepEqual(res.json.columns.slice(0, 2), ['customer_no', 'name']);
  assert.deepEqual(res.json.available.filter((c) => c.system).map((c) => c.field), ['customer_no', 'name']);
  for (const f of ['mobile', 'address', 'unit', 'manager', 'created_at']) {
    assert.ok(res.json.available.some((c) => c.field === f), f);
  }
  const list = await cm.get(`${CUSTOMERS}?size=1`);
  assert.deepEqual(list.json.columns, res.json.columns);
});

test('CUS-9 a user orders the columns; the list writes exactly those, system columns first', async () => {
  const cm = await who('cm00001');
  let res = await cm.put(COLUMNS, { columns: ['mobile', 'name', 'status', 'unit'] });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', COLUMNS, res);
  assert.deepEqual(res.json.columns, ['customer_no', 'name', 'mobile', 'status', 'unit']);
  assert.equal(res.json.custom, true);
  assert.equal(sqlValue(h.srv, "SELECT COUNT(*) FROM audit_log WHERE action = 'customer_columns.updated'"), '1');
  res = await cm.get(`${CUSTOMERS}?size=3`);
  assert.deepEqual(res.json.columns, ['customer_no', 'name', 'mobile', 'status', 'unit']);
  for (const row of res.json.items) {
    const keys = Object.keys(row).filter((k) => !['id', 'custodian', 'level', 'watch_list', 'missing_info', 'star',
      'masked'].includes(k));
    assert.deepEqual(keys, ['customer_no', 'name', 'mobile', 'status', 'unit']);
  }
  // ?cols= overrides for one request (export and other views)
  res = await cm.get(`${CUSTOMERS}?size=1&cols=created_at`);
  assert.deepEqual(res.json.columns, ['customer_no', 'name', 'created_at']);
  assert.equal(typeof res.json.items[0].created_at, 'number');
  assertError(await cm.get(`${CUSTOMERS}?cols=nope`), 422, 'customer.columns_invalid', 'cols');
  // only the system columns
  res = await cm.put(COLUMNS, { columns: [] });
  assert.deepEqual(res.json.columns, ['customer_no', 'name']);
  assert.deepEqual((await cm.get(`${CUSTOMERS}?size=1`)).json.columns, ['customer_no', 'name']);
  // another user keeps the default
  const county = await who('county01');
  assert.equal((await county.get(COLUMNS)).json.custom, false);
});

test('CUS-9 ORG-6 unknown, repeated or hidden columns are refused', async () => {
  const cm = await who('cm00001');
  assertError(await cm.put(COLUMNS, { columns: ['nope'] }), 422, 'customer.columns_invalid', 'columns');
  assertError(await cm.put(COLUMNS, { columns: ['mobile', 'mobile'] }), 422, 'customer.columns_invalid', 'columns');
  assertError(await cm.put(COLUMNS, { columns: [1] }), 422, 'customer.columns_invalid', 'columns');
  assertError(await cm.put(COLUMNS, { columns: 'mobile' }), 422, 'customer.columns_invalid', 'columns');
  // the staff role hides the address
  const staffUser = sqlValue(h.srv, `SELECT u.username FROM users u JOIN positions p ON p.id = u.position_id
    JOIN roles r ON r.id = p.role_id WHERE r.code = 'staff' AND u.status = 'active' ORDER BY u.id LIMIT 1`);
  const staff = await who(staffUser);
  const res = await staff.get(COLUMNS);
  assert.ok(!res.json.available.some((c) => c.field === 'address'));
  assert.ok(!res.json.columns.includes('address'));
  assertError(await staff.put(COLUMNS, { columns: ['address'] }), 422, 'customer.columns_invalid', 'columns');
  assertError(await staff.get(`${CUSTOMERS}?cols=address`), 422, 'customer.columns_invalid', 'cols');
});
