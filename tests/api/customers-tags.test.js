// CUS-7 tags on both backends: the admin keeps tag groups and tags
// (customers.settings); custodians and holders of customers.edit tag one customer
// (a single-select group keeps one tag); batch tagging touches only customers inside
// the caller's scope and answers the counts; automatic rules add their tag where the
// conditions hold and remove it where they no longer do, idempotently, set-based,
// with one audit entry per run — from the admin API and from `fincrm jobs run`.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useServer, BIN } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema } from './lib/org.js';
import { sqlValue, sqlIds, sqlRows } from './lib/sql.js';
import { classify } from './lib/classify.js';

let admin;
const h = useServer({ before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach }, { customers: 1500 });
const k = classify(h);
const tagsOf = (id) => sqlIds(h.srv, `SELECT tag_id FROM customer_tags WHERE customer_id = ${id} ORDER BY tag_id`);
const holders = (tagId) => sqlIds(h.srv, `SELECT customer_id FROM customer_tags WHERE tag_id = ${tagId} ORDER BY customer_id`);

async function group(name, multi) {
  const res = await admin.post('/api/v1/tag-groups', { name, multi, sort: 10 });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', '/api/v1/tag-groups', res);
  return res.json;
}
async function tag(groupId, name, color = '#409eff') {
  const res = await admin.post(`/api/v1/tag-groups/${groupId}/tags`, { name, color });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', '/api/v1/tag-groups/{id}/tags', res);
  return res.json;
}

test('CUS-7 the admin keeps tag groups and tags; others may read but not change them', async () => {
  const g = await group('价值分层', false);
  assert.equal(g.multi, false);
  const t = await tag(g.id, '高价值', '#e6a23c');
  assert.equal(t.group_id, g.id);
  assertError(await admin.post(`/api/v1/tag-groups/${g.id}/tags`, { name: '高价值' }), 409, 'tag.name_taken', 'name');
  assertError(await admin.post(`/api/v1/tag-groups/${g.id}/tags`, { name: '坏颜色', color: 'red' }), 422,
    'request.field_invalid', 'color');
  assertError(await admin.post('/api/v1/tag-groups', { name: '价值分层' }), 409, 'tag_group.name_taken', 'name');
  const upd = await admin.put(`/api/v1/tags/${t.id}`, { name: '高价值客户', color: '#f56c6c', sort: 5 });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.name, '高价值客户');
  assertError(await admin.del(`/api/v1/tag-groups/${g.id}`), 409, 'tag_group.not_empty');
  assert.equal(auditOf(h.srv, 'tag.updated', t.id).length, 1);

  const cm = await k.who('cm00001');
  const list = await cm.get('/api/v1/tag-groups');
  assert.equal(list.status, 200);
  assertSchema('GET', '/api/v1/tag-groups', list);
  assert.ok(list.json.items.some((x) => x.id === g.id && x.tags.some((y) => y.id === t.id)));
  assertError(await cm.post('/api/v1/tag-groups', { name: 'x' }), 403, 'auth.forbidden');
  assertError(await cm.del(`/api/v1/tags/${t.id}`), 403, 'auth.forbidden');

  const g2 = await group('临时组', true);
  assert.equal((await admin.del(`/api/v1/tag-groups/${g2.id}`)).status, 204);
  assertError(await admin.del(`/api/v1/tag-groups/${g2.id}`), 404, 'route.not_found');
});

test('CUS-7 tagging one customer: a single-select group keeps one tag; custodians only, outside the scope 404', async () => {
  const g = await group('风险偏好', false);
  const [low, high] = [await tag(g.id, '保守'), await tag(g.id, '进取')];
  const m = await group('兴趣', true);
  const [a, b] = [await tag(m.id, '理财'), await tag(m.id, '保险')];
  const cm = await k.who('cm00001');
  const id = k.own('cm00001')[0];
  const P = (t) => `/api/v1/customers/${id}/tags/${t}`;
  let res = await cm.put(P(low.id));
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', '/api/v1/customers/{id}/tags/{tag_id}', res);
  res = await cm.put(P(high.id));
  assert.deepEqual(res.json.items.map((x) => x.id), [high.id], 'single select: the new tag replaced the other');
  await cm.put(P(a.id));
  await cm.put(P(b.id));
  assert.deepEqual(tagsOf(id), [high.id, a.id, b.id].sort((x, y) => x - y), 'multi select keeps both');
  res = await cm.get(`/api/v1/customers/${id}/tags`);
  assertSchema('GET', '/api/v1/customers/{id}/tags', res);
  assert.equal(res.json.editable, true);
  assert.ok(res.json.items.every((x) => x.by_rule === false));
  assert.equal((await cm.del(P(a.id))).status, 204);
  assert.deepEqual(tagsOf(id), [high.id, b.id].sort((x, y) => x - y));
  assert.equal(auditOf(h.srv, 'customer.tagged', id).length, 4);

  // county01 sees the customer (subtree) but holds neither custody nor customers.edit
  const county = await k.who('county01');
  const inCounty = k.under('801000')[0];
  assert.equal((await county.get(`/api/v1/customers/${inCounty}/tags`)).json.editable, false);
  assertError(await county.put(`/api/v1/customers/${inCounty}/tags/${a.id}`), 403, 'customer.not_custodian');
  // outside the caller's scope is absent
  const other = k.outside('801000')[0];
  assertError(await county.get(`/api/v1/customers/${other}/tags`), 404, 'route.not_found');
  assertError(await cm.put(`/api/v1/customers/${other}/tags/${a.id}`), 404, 'route.not_found');
  assertError(await cm.put(P(999999)), 404, 'route.not_found');
});

test('CUS-7 batch tagging touches only customers in the caller\'s scope and answers the counts', async () => {
  const g = await group('活动名单', true);
  const t = await tag(g.id, '春季活动');
  const branch = await k.who('branch001'); // subtree of branch 801010, customers.edit
  const inside = k.under('801010').slice(0, 14);
  const out = k.outside('801010').slice(0, 20);
  assert.ok(inside.length === 14 && out.length === 20, `branch 801010 holds ${inside.length} customers`);
  // five already tagged by hand
  for (const id of inside.slice(0, 5)) assert.equal((await admin.put(`/api/v1/customers/${id}/tags/${t.id}`)).status, 200);
  const body = { tag_id: t.id, customer_ids: [...inside, ...out, inside[7], 99999999] };
  let res = await branch.post('/api/v1/customer-tags/batch', body);
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', '/api/v1/customer-tags/batch', res);
  assert.deepEqual(res.json, { tag_id: t.id, action: 'add', requested: 35, changed: 9, skipped: 5, out_of_scope: 21 });
  assert.deepEqual(holders(t.id), inside, 'exactly the in-scope customers hold the tag; out-of-scope ids untouched');
  const [entry] = auditOf(h.srv, 'customers.tagged', t.id);
  assert.equal(entry.detail.changed, 9);
  assert.equal(entry.detail.out_of_scope, 21);

  // again: nothing to do
  res = await branch.post('/api/v1/customer-tags/batch', body);
  assert.equal(res.json.changed, 0);
  assert.equal(res.json.skipped, 14);

  // remove: out-of-scope holders keep the tag
  const adminTagged = out[0];
  await admin.put(`/api/v1/customers/${adminTagged}/tags/${t.id}`);
  res = await branch.post('/api/v1/customer-tags/batch', { tag_id: t.id, customer_ids: [...inside.slice(0, 10), adminTagged],
    action: 'remove' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.changed, res.json.out_of_scope], [10, 1]);
  assert.deepEqual(holders(t.id), [...inside.slice(10), adminTagged].sort((x, y) => x - y));

  // single-select batch replaces the group's other tag in scope
  const s = await group('客户阶段', false);
  const [s1, s2] = [await tag(s.id, '新客'), await tag(s.id, '老客')];
  await branch.post('/api/v1/customer-tags/batch', { tag_id: s1.id, customer_ids: inside.slice(0, 4) });
  res = await branch.post('/api/v1/customer-tags/batch', { tag_id: s2.id, customer_ids: inside.slice(0, 2) });
  assert.equal(res.json.changed, 2);
  assert.deepEqual(holders(s1.id), inside.slice(2, 4));
  assert.deepEqual(holders(s2.id), inside.slice(0, 2));

  // limits and refusals
  const many = Array.from({ length: 10001 }, (_, i) => i + 1);
  assertError(await branch.post('/api/v1/customer-tags/batch', { tag_id: t.id, customer_ids: many }), 422,
    'customer.batch_too_large', 'customer_ids');
  res = await branch.post('/api/v1/customer-tags/batch', { tag_id: t.id, customer_ids: many.slice(0, 10000) });
  assert.equal(res.status, 200, 'ten thousand ids are fine');
  assertError(await branch.post('/api/v1/customer-tags/batch', { tag_id: 999999, customer_ids: [1] }), 422, 'tag.unknown',
    'tag_id');
  assertError(await branch.post('/api/v1/customer-tags/batch', { tag_id: t.id, customer_ids: ['x'] }), 422,
    'request.field_type', 'customer_ids');
  assertError(await branch.post('/api/v1/customer-tags/batch', { tag_id: t.id, customer_ids: [1], action: 'flip' }), 422,
    'request.field_invalid', 'action');
  // without customers.edit: only customers in one's custody (county01 holds none of these)
  res = await (await k.who('county01')).post('/api/v1/customer-tags/batch', { tag_id: t.id, customer_ids: inside });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual([res.json.changed, res.json.skipped, res.json.out_of_scope], [0, 0, inside.length]);
});

test('CUS-7 automatic rules add and remove their tag, idempotently; manual tags stay; one audit entry per run', async () => {
  const g = await group('自动标签', true);
  const t = await tag(g.id, '老年客户');
  assertError(await admin.post('/api/v1/tag-rules', { name: 'x', tag_id: t.id, conditions: {} }), 422,
    'tag_rule.conditions_invalid', 'conditions');
  assertError(await admin.post('/api/v1/tag-rules', { name: 'x', tag_id: t.id, conditions: { colour: 'red' } }), 422,
    'tag_rule.conditions_invalid', 'conditions');
  assertError(await admin.post('/api/v1/tag-rules', { name: 'x', tag_id: t.id, conditions: { levels: ['ZZ'] } }), 422,
    'tag_rule.conditions_invalid', 'conditions');
  assertError(await admin.post('/api/v1/tag-rules', { name: 'x', tag_id: t.id, conditions: { age_min: 70, age_max: 60 } }),
    422, 'tag_rule.conditions_invalid', 'conditions');
  assertError(await (await k.who('cm00001')).get('/api/v1/tag-rules'), 403, 'auth.forbidden');

  let res = await admin.post('/api/v1/tag-rules', { name: '六十岁以上', tag_id: t.id,
    conditions: { kind: 'individual', age_min: 60 } });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', '/api/v1/tag-rules', res);
  const rule = res.json;
  assertError(await admin.del(`/api/v1/tags/${t.id}`), 409, 'tag.in_rule');

  // a customer tagged by hand who does not match keeps the tag through every run
  const young = Number(sqlValue(h.srv, `SELECT id FROM customers WHERE kind = 'individual' AND birth_date > '2000-01-01'
    ORDER BY id LIMIT 1`));
  await admin.put(`/api/v1/customers/${young}/tags/${t.id}`);
  const expected = (age) => {
    const d = new Date();
    const cut = `${d.getFullYear() - age}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    return sqlIds(h.srv, `SELECT id FROM customers WHERE kind = 'individual' AND birth_date <= '${cut}' ORDER BY id`);
  };
  const old60 = expected(60);
  assert.ok(old60.length > 50);
  res = await admin.post('/api/v1/tag-rules/run');
  assert.equal(res.status, 200, res.text);
  assertSchema('POST', '/api/v1/tag-rules/run', res);
  assert.equal(res.json.added, old60.length);
  assert.equal(res.json.removed, 0);
  assert.deepEqual(sqlIds(h.srv, `SELECT customer_id FROM customer_tags WHERE tag_id = ${t.id} AND by_user IS NULL
    ORDER BY customer_id`), old60);
  assert.ok(holders(t.id).includes(young));
  const runs = auditOf(h.srv, 'tag_rules.run');
  assert.equal(runs.length, 1, 'one summary entry');
  assert.equal(runs[0].detail.added, old60.length);

  // idempotent
  res = await admin.post('/api/v1/tag-rules/run');
  assert.deepEqual([res.json.added, res.json.removed], [0, 0]);

  // narrower rule: those between 60 and 70 lose the rule tag, the manual one stays
  res = await admin.put(`/api/v1/tag-rules/${rule.id}`, { name: '七十岁以上', tag_id: t.id,
    conditions: { kind: 'individual', age_min: 70 } });
  assert.equal(res.status, 200, res.text);
  const old70 = expected(70);
  res = await admin.post('/api/v1/tag-rules/run');
  assert.equal(res.json.removed, old60.length - old70.length);
  assert.deepEqual(holders(t.id), [...old70, young].sort((x, y) => x - y));
  const list = await admin.get('/api/v1/tag-rules');
  assertSchema('GET', '/api/v1/tag-rules', list);
  assert.equal(list.json.items.find((x) => x.id === rule.id).last_matched, old70.length);

  // the command line runs the same job
  const out = execFileSync(BIN, ['jobs', 'run', 'tag-rules', '--db', h.srv.dbUrl], { encoding: 'utf8' });
  assert.match(out, /0 added, 0 removed/);
  assert.equal(auditOf(h.srv, 'tag_rules.run').length, 4);
  assert.equal(auditOf(h.srv, 'tag_rules.run').at(-1).username, 'cli');

  // deleting the rule takes the rule tags along, not the manual one
  assert.equal((await admin.del(`/api/v1/tag-rules/${rule.id}`)).status, 204);
  assert.deepEqual(holders(t.id), [young]);
  assert.equal(sqlRows(h.srv, `SELECT 1 FROM customer_tags WHERE tag_id = ${t.id} AND by_user IS NULL`).length, 0);
});
