// CUS-15 black and grey lists over HTTP, on both backends: maintained by holders of
// customers.watchlist (audited), keyed by ID type + number with the history kept;
// customers.watch_list follows every add and remove, so the list rows and the
// related parties show the flag; the province-wide query by ID number or name is open
// to everyone who views customers and is audited as a lookup.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlRows, sqlValue } from './lib/sql.js';
import { residentId } from './lib/customer.js';

const h = useServer({ before: (start) => before(async () => { await start(); setup(); }), after, afterEach },
  { customers: 300 });
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));
const userId = memo((username) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${username}'`)));
const WL = '/api/v1/watchlist';
const flagOf = (id) => sqlValue(h.srv, `SELECT watch_list FROM customers WHERE id = ${id}`) || null;

// two individual customers with ID numbers; cm00001 holds the first
let c1;
let c2;
function setup() {
  sqlRows(h.srv, 'DELETE FROM watchlist_entries; UPDATE customers SET watch_list = NULL'); // the demo's entries
  const rows = sqlRows(h.srv, `SELECT id, id_type, id_number, name, customer_no FROM customers
    WHERE kind = 'individual' AND id_number IS NOT NULL ORDER BY id LIMIT 2`);
  [c1, c2] = rows.map(([id, type, number, name, no]) => ({ id: Number(id), id_type: type, id_number: number, name, no }));
  sqlRows(h.srv, `UPDATE customers SET manager_id = ${userId('cm00001')} WHERE id = ${c1.id}`);
}

const entry = (c, list = 'black', extra = {}) => ({ list, id_type: c.id_type, id_number: c.id_number, name: c.name,
  reason: '逃废银行债务', ...extra });

test('CUS-15 only customers.watchlist maintains the lists (admin and the province management post)', async () => {
  const cm = await who('cm00001');
  assertError(await cm.post(WL, entry(c1)), 403, 'auth.forbidden');
  assertError(await cm.get(WL), 403, 'auth.forbidden');
  assertError(await (await who('county01')).get(WL), 403, 'auth.forbidden');
  const perms = sqlValue(h.srv, "SELECT perm_list FROM roles WHERE code = 'province_manager'");
  assert.ok(perms.split(',').includes('customers.watchlist'), perms);
  const res = await (await who('province01')).get(WL);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', WL, res);
  assert.equal(flagOf(c1.id), null);
});

test('CUS-15 adding flags the customers with the ID, removing clears them; both audited, history kept', async () => {
  const admin = await who('admin');
  let res = await admin.post(WL, entry(c1, 'black', { source: '法院失信被执行人名单' }));
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', WL, res);
  const id = res.json.entry.id;
  assert.equal(res.json.customers_flagged, 1);
  assert.equal(res.json.entry.active, true);
  assert.equal(res.json.entry.added_by.id, userId('admin'));
  assert.equal(flagOf(c1.id), 'black');
  assert.equal(flagOf(c2.id), null);
  const added = auditOf(h.srv, 'watchlist.added', id);
  assert.equal(added.length, 1);
  assert.equal(added[0].detail.after.id_number, c1.id_number);
  assert.equal(added[0].detail.customers_flagged, 1);

  // the customer list row carries the flag (the list shows it everywhere)
  const row = (await admin.get(`/api/v1/customers?q=${c1.no}`)).json.items.find((c) => c.id === c1.id);
  assert.equal(row.watch_list, 'black');

  // one active entry per ID
  assertError(await admin.post(WL, entry(c1, 'grey')), 409, 'watchlist.already_listed', 'id_number');

  res = await admin.post(`${WL}/${id}/remove`, { reason: '债务已结清' });
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', '/api/v1/watchlist/{id}/remove', res);
  assert.equal(res.json.customers_cleared, 1);
  assert.equal(res.json.entry.active, false);
  assert.equal(res.json.entry.removed_reason, '债务已结清');
  assert.equal(res.json.entry.removed_by.id, userId('admin'));
  assert.equal(flagOf(c1.id), null);
  assertError(await admin.post(`${WL}/${id}/remove`, { reason: '再次' }), 409, 'watchlist.already_removed');
  assertError(await admin.post(`${WL}/999999/remove`, { reason: 'x' }), 404, 'watchlist.not_found');
  assertError(await admin.post(`${WL}/${id}/remove`, {}), 422, 'request.field_required', 'reason');
  assert.equal(auditOf(h.srv, 'watchlist.removed', id).at(-1).detail.reason, '债务已结清');

  // listed again, grey this time (by the province management post): history has both
  res = await (await who('province01')).post(WL, entry(c1, 'grey'));
  assert.equal(res.status, 201, res.text);
  assert.equal(flagOf(c1.id), 'grey');
  res = await admin.get(`${WL}/${id}/history`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/watchlist/{id}/history', res);
  assert.deepEqual(res.json.items.map((e) => [e.list, e.active]), [['grey', true], ['black', false]]);
  assertError(await admin.get(`${WL}/999999/history`), 404, 'watchlist.not_found');
});

test('CUS-15 entries are checked: list, ID type and number, required name and reason', async () => {
  const admin = await who('admin');
  const bad = [
    [entry(c2, 'white'), 422, 'watchlist.list_invalid', 'list'],
    [entry(c2, 'black', { id_type: 'Resident ID' }), 422, 'party.id_type_invalid', 'id_type'],
    [entry(c2, 'black', { id_number: `${c2.id_number.slice(0, 17)}${c2.id_number.at(-1) === '1' ? '2' : '1'}` }), 422,
      'party.id_number_invalid', 'id_number'],
    [entry(c2, 'black', { reason: '  ' }), 422, 'request.field_required', 'reason'],
    [entry(c2, 'black', { name: undefined }), 422, 'request.field_required', 'name'],
  ];
  for (const [body, status, code, field] of bad) assertError(await admin.post(WL, body), status, code, field);
  assert.equal(flagOf(c2.id), null);
  // lower-case x is stored upper-case
  const res = await admin.post(WL, { list: 'grey', id_type: 'resident_id', id_number: '11010519491231002x',
    name: '赵大', reason: '多头借贷' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.entry.id_number, '11010519491231002X');
  assert.equal(res.json.customers_flagged, 0);
});

test('CUS-15 the maintainers\' list filters by text, list and status', async () => {
  const admin = await who('admin');
  const get = async (qs) => {
    const res = await admin.get(`${WL}?${qs}`);
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  assert.deepEqual((await get(`q=${c1.id_number}`)).items.map((e) => e.list), ['grey']);
  assert.deepEqual((await get(`q=${c1.id_number}&status=all`)).items.map((e) => e.list), ['grey', 'black']);
  assert.deepEqual((await get(`q=${c1.id_number}&status=removed`)).items.map((e) => e.list), ['black']);
  assert.equal((await get(`q=${encodeURIComponent('赵')}&list=grey`)).total, 1);
  assert.equal((await get(`q=${encodeURIComponent('赵')}&list=black`)).total, 0);
  assertError(await admin.get(`${WL}?status=gone`), 422, 'request.query_invalid', 'status');
  assertError(await admin.get(`${WL}?list=white`), 422, 'request.query_invalid', 'list');
});

test('CUS-15 everyone with customers.view queries province-wide by ID number or name; each query is audited', async () => {
  const cm = await who('cm00001'); // data scope `self`: the lists are province-wide all the same
  let res = await cm.get(`${WL}/query?q=${encodeURIComponent(c1.name)}`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/watchlist/query', res);
  const byName = res.json.items.find((e) => e.id_type === c1.id_type && e.matched_by === 'name');
  assert.ok(byName, res.text);
  assert.equal(byName.list, 'grey');
  assert.equal(byName.id_number, `${c1.id_number.slice(0, 4)}${'*'.repeat(10)}${c1.id_number.slice(-4)}`);

  res = await cm.get(`${WL}/query?q=${c1.id_number}`);
  assert.deepEqual(res.json.items.map((e) => [e.list, e.id_number, e.matched_by]), [['grey', c1.id_number, 'id_number']]);
  res = await cm.get(`${WL}/query?q=${c1.id_number.slice(0, 10)}`);
  assert.deepEqual(res.json.items, [], 'whole values only, no prefix browsing');
  res = await cm.get(`${WL}/query?q=${c2.id_number}`);
  assert.deepEqual(res.json.items, []);

  const audit = auditOf(h.srv, 'watchlist.queried').filter((e) => e.user_id === userId('cm00001'));
  assert.equal(audit.length, 4);
  assert.equal(audit[1].detail.q, c1.id_number);
  assert.equal(audit[1].detail.matches, 1);
  assertError(await cm.get(`${WL}/query?q=a`), 422, 'watchlist.query_invalid', 'q');
  res = await cm.get(`${WL}/query`);
  assert.deepEqual([res.status, res.json.items], [200, []], 'nothing asked: an empty answer, not audited');
  assert.equal(auditOf(h.srv, 'watchlist.queried').filter((e) => e.user_id === userId('cm00001')).length, 4);
});

test('CUS-15 the flag follows the ID onto related parties (persons and customers)', async () => {
  const cm = await who('cm00001');
  // c1 (grey) names a guarantor by the ID listed grey above, and c2 as a customer
  sqlRows(h.srv, `UPDATE customers SET manager_id = ${userId('cm00001')} WHERE id = ${c2.id}`);
  let res = await cm.post(`/api/v1/customers/${c1.id}/relations`, { kind: 'guarantor',
    person: { name: '赵大', id_type: 'resident_id', id_number: '11010519491231002X' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.party.watch_list, 'grey');
  res = await cm.post(`/api/v1/customers/${c2.id}/relations`, { kind: 'spouse', customer_id: c1.id });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.party.watch_list, 'grey');
  res = await cm.get(`/api/v1/customers/${c2.id}/related?depth=2`);
  assert.equal(res.status, 200, res.text);
  const flags = Object.fromEntries(res.json.nodes.map((n) => [n.name, n.watch_list]));
  assert.equal(flags[c1.name], 'grey');
  assert.equal(flags['赵大'], 'grey');
  assert.equal(flags[c2.name], null);
});

test('CUS-15 a customer created with a listed ID, or changed to one, carries the flag', async () => {
  const admin = await who('admin');
  const listedId = residentId('19720508', 'M', 11);
  const otherId = residentId('19720508', 'M', 12);
  let res = await admin.post(WL, { list: 'black', id_type: 'resident_id', id_number: listedId, name: '吴某',
    reason: '骗贷' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.customers_flagged, 0);
  res = await admin.post('/api/v1/customers', { kind: 'individual', name: '吴某', id_type: 'resident_id',
    id_number: listedId, mobile: '13900001111', source: 'walk_in' });
  assert.equal(res.status, 201, res.text);
  const id = res.json.id;
  assert.equal(flagOf(id), 'black');
  res = await admin.patch(`/api/v1/customers/${id}`, { id_number: otherId });
  assert.equal(res.status, 200, res.text);
  assert.equal(flagOf(id), null);
  res = await admin.patch(`/api/v1/customers/${id}`, { id_number: listedId });
  assert.equal(res.status, 200, res.text);
  assert.equal(flagOf(id), 'black');
});
