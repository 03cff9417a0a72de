// CUS-17 star levels on both backends: A/B/C/D preloaded with revisit intervals; the
// admin (customers.settings) adds and changes levels, an unused one can be deleted;
// custodians set a customer's level; the answer carries the next revisit date (level
// set date + interval — contact history comes with the contact issue).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema } from './lib/org.js';
import { sqlValue } from './lib/sql.js';
import { classify } from './lib/classify.js';

let admin;
const h = useServer({ before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach }, { customers: 400 });
const k = classify(h);
const L = '/api/v1/customer-levels';

test('CUS-17 levels A–D are preloaded; the admin adds, changes and deletes unused levels', async () => {
  const cm = await k.who('cm00001');
  let res = await cm.get(L);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', L, res);
  assert.deepEqual(res.json.items.map((l) => l.code), ['A', 'B', 'C', 'D']);
  assert.equal(res.json.items.find((l) => l.code === 'D').revisit_days, 20);
  assertError(await cm.post(L, { code: 'E', name: 'E', revisit_days: 30 }), 403, 'auth.forbidden');

  res = await admin.post(L, { code: 'E', name: 'E 级', revisit_days: 30, sort: 50 });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', L, res);
  const e = res.json;
  assertError(await admin.post(L, { code: 'E', name: 'x', revisit_days: 3 }), 409, 'customer_level.code_taken', 'code');
  assertError(await admin.post(L, { code: 'F', name: 'x', revisit_days: 0 }), 422, 'request.field_invalid', 'revisit_days');
  assertError(await admin.post(L, { code: 'F G', name: 'x', revisit_days: 3 }), 422, 'request.field_invalid', 'code');
  res = await admin.put(`${L}/${e.id}`, { name: 'E 级（观察）', revisit_days: 45 });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.revisit_days, 45);
  assert.equal(auditOf(h.srv, 'customer_level.updated', e.id).length, 1);

  // a level in use cannot go
  const id = k.own('cm00001')[0];
  assert.equal((await cm.put(`/api/v1/customers/${id}/level`, { level: 'E' })).status, 200);
  assertError(await admin.del(`${L}/${e.id}`), 409, 'customer_level.in_use');
  assert.equal((await cm.put(`/api/v1/customers/${id}/level`, { level: null })).status, 200);
  assert.equal((await admin.del(`${L}/${e.id}`)).status, 204);
  assertError(await admin.del(`${L}/${e.id}`), 404, 'route.not_found');
});

test('CUS-17 custodians set a level; the next revisit is the set date plus the interval', async () => {
  const cm = await k.who('cm00001');
  const id = k.own('cm00001')[1];
  const before = Date.now();
  let res = await cm.put(`/api/v1/customers/${id}/level`, { level: 'A' });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', '/api/v1/customers/{id}/level', res);
  assert.equal(res.json.level, 'A');
  assert.equal(res.json.revisit_days, 7);
  assert.ok(res.json.set_at >= before - 1000);
  assert.equal(res.json.next_revisit_at, res.json.set_at + 7 * 86400000);
  assert.match(res.json.next_revisit, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(res.json.last_contact_at, null);
  assert.equal(sqlValue(h.srv, `SELECT level FROM customers WHERE id = ${id}`), 'A');
  const [entry] = auditOf(h.srv, 'customer.level_set', id);
  assert.deepEqual([entry.detail.before.level, entry.detail.after.level], [null, 'A']);

  // the customers list row carries the level
  const row = (await cm.get(`/api/v1/customers?size=100`)).json.items.find((c) => c.id === id);
  assert.equal(row.level, 'A');

  assertError(await cm.put(`/api/v1/customers/${id}/level`, { level: 'Z' }), 422, 'customer_level.unknown', 'level');
  assertError(await cm.put(`/api/v1/customers/${id}/level`, {}), 422, 'request.field_required', 'level');
  const county = await k.who('county01');
  const inCounty = k.under('801000')[0];
  res = await county.get(`/api/v1/customers/${inCounty}/level`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/customers/{id}/level', res);
  assert.equal(res.json.editable, false);
  assertError(await county.put(`/api/v1/customers/${inCounty}/level`, { level: 'B' }), 403, 'customer.not_custodian');
  assertError(await county.get(`/api/v1/customers/${k.outside('801000')[0]}/level`), 404, 'route.not_found');

  res = await cm.put(`/api/v1/customers/${id}/level`, { level: null });
  assert.deepEqual([res.json.level, res.json.next_revisit], [null, null]);
});
