// CUS-11 customer groups on both backends: every user keeps groups of their own
// (invisible to others); admins with customers.settings keep system groups everyone
// sees; members are added and removed in sets, only inside the caller's scope (also
// potential customers); the member list is the scoped, masked customers list.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema } from './lib/org.js';
import { sqlIds, sqlValue } from './lib/sql.js';
import { classify } from './lib/classify.js';

let admin;
const h = useServer({ before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach }, { customers: 800 });
const k = classify(h);
const G = '/api/v1/customer-groups';
const members = (id) => sqlIds(h.srv, `SELECT customer_id FROM customer_group_members WHERE group_id = ${id}
  ORDER BY customer_id`);

test('CUS-11 a user\'s own group: members from the scope only, listed scoped and masked; others do not see it', async () => {
  const cm = await k.who('cm00001');
  let res = await cm.post(G, { name: '春节走访', note: '重点走访' });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', G, res);
  const g = res.json;
  assert.deepEqual([g.system, g.editable, g.members], [false, true, 0]);
  assertError(await cm.post(G, { name: '春节走访' }), 409, 'customer_group.name_taken', 'name');

  const own = k.own('cm00001');
  const potential = Number(sqlValue(h.srv, `SELECT COUNT(*) FROM customers WHERE manager_id = ${k.userId('cm00001')}
    AND status = 'potential'`));
  const out = k.outside('801000').slice(0, 3);
  res = await cm.post(`${G}/${g.id}/customers`, { customer_ids: [...own, ...out] });
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', `${G}/{id}/customers`, res);
  assert.deepEqual(res.json, { group_id: g.id, requested: own.length + 3, changed: own.length, skipped: 0, out_of_scope: 3 });
  assert.deepEqual(members(g.id), own, 'potential customers too' + (potential ? '' : ' (none in this data set)'));
  assert.equal(auditOf(h.srv, 'customer_group.members_added', g.id)[0].detail.out_of_scope, 3);

  res = await cm.get(`${G}/${g.id}/customers?size=100`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', `${G}/{id}/customers`, res);
  assert.equal(res.json.total, own.length);
  assert.equal((await cm.get(`/api/v1/customers?group_id=${g.id}`)).json.total, own.length);
  res = await cm.get(G);
  assertSchema('GET', G, res);
  assert.equal(res.json.items.find((x) => x.id === g.id).members, own.length);

  // another user neither sees nor changes it
  const branch = await k.who('branch001');
  assert.ok(!(await branch.get(G)).json.items.some((x) => x.id === g.id));
  assertError(await branch.get(`${G}/${g.id}/customers`), 404, 'route.not_found');
  assertError(await branch.post(`${G}/${g.id}/customers`, { customer_ids: [own[0]] }), 404, 'route.not_found');
  assert.equal((await branch.get(`/api/v1/customers?group_id=${g.id}`)).json.total, 0);

  res = await cm.post(`${G}/${g.id}/customers/remove`, { customer_ids: [own[0], out[0]] });
  assert.deepEqual([res.json.changed, res.json.out_of_scope], [1, 1]);
  assert.deepEqual(members(g.id), own.slice(1));
  res = await cm.put(`${G}/${g.id}`, { name: '春节走访名单', note: '' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.name, '春节走访名单');
  assert.equal((await cm.del(`${G}/${g.id}`)).status, 204);
  assert.deepEqual(members(g.id), []);
  assertError(await cm.del(`${G}/${g.id}`), 404, 'route.not_found');
});

test('CUS-11 system groups: admins keep them, everyone sees them, members listed within each scope', async () => {
  const cm = await k.who('cm00001');
  assertError(await cm.post(G, { name: '系统组', system: true }), 403, 'customer_group.read_only');
  let res = await admin.post(G, { name: '理财沙龙邀请', system: true });
  assert.equal(res.status, 201, res.text);
  const g = res.json;
  assert.equal(g.system, true);
  const ids = [...k.own('cm00001').slice(0, 2), ...k.outside('801000').slice(0, 3)];
  res = await admin.post(`${G}/${g.id}/customers`, { customer_ids: ids });
  assert.equal(res.json.changed, 5);
  res = await cm.get(G);
  const seen = res.json.items.find((x) => x.id === g.id);
  assert.deepEqual([seen.system, seen.editable, seen.members], [true, false, 5]);
  assert.ok(res.json.items.some((x) => x.system && x.name === '重点营销名单'), 'the demo system group');
  res = await cm.get(`${G}/${g.id}/customers`);
  assert.equal(res.json.total, 2, 'cm00001 sees the members of its own scope only');
  assert.ok(res.json.items.every((c) => c.custodian === true));
  assertError(await cm.put(`${G}/${g.id}`, { name: 'x' }), 403, 'customer_group.read_only');
  assertError(await cm.post(`${G}/${g.id}/customers`, { customer_ids: ids }), 403, 'customer_group.read_only');
  assertError(await cm.del(`${G}/${g.id}`), 403, 'customer_group.read_only');
  assertError(await admin.post(`${G}/${g.id}/customers`, { customer_ids: [] }), 422, 'request.field_required',
    'customer_ids');
  assertError(await admin.post(G, { name: '' }), 422, 'request.field_required', 'name');
});
