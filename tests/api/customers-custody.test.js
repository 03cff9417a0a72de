// CUS-5 CUS-18 CUS-3 custody over HTTP, on both backends: the primary custodian sees
// and edits everything, an assistant sees everything and edits unprotected fields
// only, the collector and the referrer see the customer (masked), a non-custodian in
// scope sees masked basic info and edits nothing, outside the scope is 404; shares
// add up to 100 %, a primary from another branch is allowed, custody history and
// audit are written.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlValue } from './lib/sql.js';
import { residentId } from './lib/customer.js';

let admin, X;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
    // a customer of outlet 801011 with a mobile, in the custody of cm00001 (primary) and cm00003 (assistant)
    X = Number(sqlValue(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
      WHERE o.code = '801011' AND c.mobile IS NOT NULL ORDER BY c.id LIMIT 1`));
    const res = await admin.put(`${C}/${X}/custodians`, { primary_id: userId('cm00001'), primary_share: 7000,
      assistants: [{ user_id: userId('cm00003'), share: 3000 }] });
    assert.equal(res.status, 200, res.text);
  }),
  after, afterEach,
}, { customers: 300 });
const C = '/api/v1/customers';
const userId = memo((u) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${u}'`)));
const mobileOf = (id) => sqlValue(h.srv, `SELECT mobile FROM customers WHERE id = ${id}`);
const sessions = {};
const who = async (u) => (sessions[u] ??= await signIn(h.srv, u));

test('CUS-5 the primary custodian sees everything clear and edits protected fields too', async () => {
  const p = await who('cm00001');
  const res = await p.get(`${C}/${X}`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', `${C}/{id}`, res);
  assert.equal(res.json.relation, 'primary');
  assert.equal(res.json.custodian, true);
  assert.equal(res.json.mobile, mobileOf(X));
  assert.deepEqual(res.json.masked, []);
  assert.ok(res.json.editable.includes('name') && res.json.editable.includes('address'));
  assert.ok(!res.json.editable.includes('id_number'), 'field security: ID numbers are read-only for the role');
  assert.equal(res.json.custodians.primary.share, 7000);
  assert.deepEqual(res.json.custodians.assistants.map((a) => [a.username, a.share]), [['cm00003', 3000]]);
  const upd = await p.patch(`${C}/${X}`, { name: '主管护改名' });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.name, '主管护改名');
  assertError(await p.patch(`${C}/${X}`, { id_number: residentId('19800101') }), 403, 'customer.field_read_only',
    'id_number');
});

test('CUS-5 an assistant custodian sees everything clear, edits unprotected fields only', async () => {
  const a = await who('cm00003');
  const res = await a.get(`${C}/${X}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.relation, 'assistant');
  assert.equal(res.json.mobile, mobileOf(X));
  assert.ok(res.json.editable.includes('address') && res.json.editable.includes('mobile'));
  for (const f of ['name', 'source', 'id_type', 'id_number']) assert.ok(!res.json.editable.includes(f), f);
  const denied = await a.patch(`${C}/${X}`, { name: '辅管护改名' });
  assertError(denied, 403, 'customer.field_protected', 'name');
  assert.equal(denied.json.error.message, '辅管护人不能修改受保护的字段');
  const en = await a.patch(`${C}/${X}`, { name: 'x' }, { 'Accept-Language': 'en' });
  assert.equal(en.json.error.message, 'Assistant custodians cannot change protected fields');
  const ok = await a.patch(`${C}/${X}`, { address: '辅管护补充地址' });
  assert.equal(ok.status, 200, ok.text);
});

test('CUS-3 the collector and the referrer see the customer, masked, and edit nothing', async () => {
  // cm00002 (staff: self scope, no custodian position) collects a customer and names cm00004 as referrer
  const collector = await who('cm00002');
  const created = await collector.post(C, { kind: 'individual', name: '采集客户', id_type: 'resident_id',
    id_number: residentId('19920505', 'M', 9), mobile: '13712345678', source: 'walk_in',
    referrer_id: userId('cm00004') });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const seen = await collector.get(`${C}/${id}`);
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.relation, 'collector');
  assert.equal(seen.json.custodian, false);
  assert.equal(seen.json.mobile, '137****5678');
  assert.deepEqual(seen.json.editable, []);
  assert.equal(seen.json.rights.attachments, true, 'the collector keeps access to the files');
  const ref = await who('cm00004');
  const rs = await ref.get(`${C}/${id}`);
  assert.equal(rs.status, 200, rs.text);
  // the referrer holds a custodian position: the customer is in its unit and custody
  assert.equal(rs.json.relation, 'primary');
  const list = await collector.get(`${C}?q=${seen.json.customer_no}`);
  assert.equal(list.json.total, 1, 'the collector finds it in the list (scope_where_also)');

  // a referrer without a custodian position stays a referrer
  const c2 = await admin.post(C, { kind: 'individual', name: '推荐客户', id_type: 'resident_id',
    id_number: residentId('19930606', 'F', 11), source: 'referral', referrer_id: userId('cm00005') });
  assert.equal(c2.status, 201, c2.text);
  const r2 = await (await who('cm00005')).get(`${C}/${c2.json.id}`);
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.relation, 'referrer');
  assert.equal(r2.json.custodian, false);
  assertError(await (await who('cm00005')).patch(`${C}/${c2.json.id}`, { address: 'x' }), 403, 'auth.forbidden');
});

test('CUS-5 a non-custodian in scope sees masked basic info and edits nothing; outside the scope is 404', async () => {
  const county = await who('county01');
  const res = await county.get(`${C}/${X}`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.custodian, false);
  assert.equal(res.json.relation, null);
  assert.match(res.json.mobile, /^\d{3}\*{4}\d{4}$/);
  assert.deepEqual(res.json.editable, []);
  assertError(await county.get(`${C}/${X}/contacts/history`), 403, 'customer.custodians_only');
  const branch = await who('branch001');
  assert.equal((await branch.get(`${C}/${X}`)).json.custodian, false);
  assertError(await branch.patch(`${C}/${X}`, { address: '越权修改' }), 403, 'customer.not_custodian');
  assertError(await (await who('county02')).get(`${C}/${X}`), 404, 'route.not_found');
  assertError(await (await who('cm00004')).get(`${C}/${X}`), 404, 'route.not_found');
  // data scope `all` (administrators) may edit
  assert.ok((await admin.get(`${C}/${X}`)).json.editable.includes('name'));
});

test('CUS-18 shares add up to 100 %; CUS-5 a cross-branch primary; history and audit', async () => {
  const put = (body) => admin.put(`${C}/${X}/custodians`, body);
  assertError(await put({ primary_id: userId('cm00001'), primary_share: 7000,
    assistants: [{ user_id: userId('cm00003'), share: 2000 }] }), 422, 'custody.shares_invalid');
  assertError(await put({ primary_id: userId('cm00001'), primary_share: 12000 }), 422, 'custody.shares_invalid');
  assertError(await put({ primary_id: userId('cm00001'), primary_share: 5000,
    assistants: [{ user_id: userId('cm00001'), share: 5000 }] }), 422, 'custody.duplicate_user', 'assistants');
  assertError(await put({ primary_id: 99999999, primary_share: 10000 }), 422, 'custody.user_invalid', 'primary_id');
  const n0 = auditOf(h.srv, 'customer.custody_changed', X).length;
  const res = await put({ primary_id: userId('cm00004'), primary_share: 6000,
    assistants: [{ user_id: userId('cm00001'), share: 2500 }, { user_id: userId('cm00003'), share: 1500 }] });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', `${C}/{id}/custodians`, res);
  assert.equal(res.json.custodians.primary.username, 'cm00004');
  assert.equal(res.json.custodians.primary.cross_branch, true, 'cm00004 works at another branch');
  assert.equal(res.json.history[0].to.id, userId('cm00004'));
  assert.equal(res.json.history[0].from.id, userId('cm00001'));
  assert.equal(sqlValue(h.srv, `SELECT manager_share FROM customers WHERE id = ${X}`), '6000');
  const audits = auditOf(h.srv, 'customer.custody_changed', X);
  assert.equal(audits.length, n0 + 1);
  assert.equal(audits.at(-1).detail.before.primary_id, userId('cm00001'));
  assert.equal(audits.at(-1).detail.after.primary_id, userId('cm00004'));
  // the new primary sees it; the old one is now an assistant and still sees it clear
  assert.equal((await (await who('cm00004')).get(`${C}/${X}`)).json.relation, 'primary');
  assert.equal((await (await who('cm00001')).get(`${C}/${X}`)).json.relation, 'assistant');
  assertError(await (await who('cm00001')).put(`${C}/${X}/custodians`, { primary_id: userId('cm00001') }), 403,
    'auth.forbidden');
  const got = await (await who('county01')).get(`${C}/${X}/custodians`);
  assert.equal(got.status, 200, got.text);
  assertSchema('GET', `${C}/{id}/custodians`, got);
});
