// CUS-2 contacts over HTTP, on both backends: several per customer, types from the
// mapping table, validated per type, one default per type, every change kept in the
// history with who and when; non-custodians see them masked and cannot change them.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlValue } from './lib/sql.js';

let admin, X, P;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
    X = Number(sqlValue(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
      WHERE o.code = '801011' ORDER BY c.id LIMIT 1`));
    const res = await admin.put(`${C}/${X}/custodians`, { primary_id: userId('cm00001'), primary_share: 10000 });
    assert.equal(res.status, 200, res.text);
    P = await signIn(h.srv, 'cm00001');
  }),
  after, afterEach,
}, { customers: 200 });
const C = '/api/v1/customers';
const userId = memo((u) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${u}'`)));
const list = async (c = P) => (await c.get(`${C}/${X}/contacts`)).json.items;

test('CUS-2 add contacts of several types; the first of a type is its default; values validated per type', async () => {
  let res = await P.post(`${C}/${X}/contacts`, { type: 'mobile', value: '13811112222', note: '本人' });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', `${C}/{id}/contacts`, res);
  assert.equal(res.json.is_default, true);
  res = await P.post(`${C}/${X}/contacts`, { type: 'mobile', value: '13933334444' });
  assert.equal(res.json.is_default, false);
  for (const [type, value] of [['home', '0571-88886666'], ['office', '057187654321-801'], ['email', 'li.si@example.com'],
    ['wechat', 'lisi_wx']]) {
    res = await P.post(`${C}/${X}/contacts`, { type, value });
    assert.equal(res.status, 201, `${type}: ${res.text}`);
  }
  for (const [type, value] of [['mobile', '1381111222'], ['home', '88-'], ['email', 'li.si@'], ['email', 'a b@c.cn']]) {
    assertError(await P.post(`${C}/${X}/contacts`, { type, value }), 422, 'contact.value_invalid', 'value');
  }
  assertError(await P.post(`${C}/${X}/contacts`, { type: 'fax', value: '1' }), 422, 'contact.type_invalid', 'type');
  assertError(await P.post(`${C}/${X}/contacts`, { type: 'email' }), 422, 'request.field_required', 'value');
  const items = await list();
  assert.equal(items.length, 6);
  const res2 = await P.get(`${C}/${X}/contacts`);
  assertSchema('GET', `${C}/{id}/contacts`, res2);
  assert.equal(res2.json.masked, false);
  const defaults = items.filter((c) => c.is_default).map((c) => c.type).sort();
  assert.deepEqual(defaults, ['email', 'home', 'mobile', 'office', 'wechat']);
  assert.equal(auditOf(h.srv, 'customer.contact_added', X).length, 6);
});

test('CUS-2 one default per type: making another default clears the first; deleting the default promotes one', async () => {
  const mobiles = (await list()).filter((c) => c.type === 'mobile');
  const second = mobiles.find((c) => !c.is_default);
  const res = await P.patch(`${C}/${X}/contacts/${second.id}`, { is_default: true });
  assert.equal(res.status, 200, res.text);
  let now = (await list()).filter((c) => c.type === 'mobile');
  assert.deepEqual(now.filter((c) => c.is_default).map((c) => c.id), [second.id]);
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM customer_contacts WHERE customer_id = ${X} AND type = 'mobile'
    AND is_default = 1`), '1');
  const del = await P.del(`${C}/${X}/contacts/${second.id}`);
  assert.equal(del.status, 204, del.text);
  now = (await list()).filter((c) => c.type === 'mobile');
  assert.equal(now.length, 1);
  assert.equal(now[0].is_default, true, 'the remaining mobile is the default');
  assertError(await P.del(`${C}/${X}/contacts/${second.id}`), 404, 'contact.not_found');
});

test('CUS-2 every change is kept in the history (who, when, before, after)', async () => {
  const email = (await list()).find((c) => c.type === 'email');
  const res = await P.patch(`${C}/${X}/contacts/${email.id}`, { value: 'lisi@example.org', note: '新邮箱' });
  assert.equal(res.status, 200, res.text);
  assertError(await P.patch(`${C}/${X}/contacts/${email.id}`, { value: 'lisi@example.org', note: '新邮箱' }), 422,
    'customer.nothing_to_change');
  const hist = await P.get(`${C}/${X}/contacts/history`);
  assert.equal(hist.status, 200, hist.text);
  assertSchema('GET', `${C}/{id}/contacts/history`, hist);
  const mine = hist.json.items.filter((e) => e.contact_id === email.id);
  assert.deepEqual(mine.map((e) => e.action), ['updated', 'created']);
  assert.equal(mine[0].old_value, 'li.si@example.com');
  assert.equal(mine[0].new_value, 'lisi@example.org');
  assert.equal(mine[0].new_note, '新邮箱');
  assert.equal(mine[0].by.id, userId('cm00001'));
  assert.ok(mine[0].at >= mine[1].at);
  assert.ok(hist.json.items.some((e) => e.action === 'deleted' && e.type === 'mobile'));
});

test('CUS-2 AUTH-8 non-custodians see contacts masked and cannot change them', async () => {
  const county = await signIn(h.srv, 'county01');
  const res = await county.get(`${C}/${X}/contacts`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.masked, true);
  const mobile = res.json.items.find((c) => c.type === 'mobile');
  assert.match(mobile.value, /^\d{3}\*{4}\d{4}$/);
  const branch = await signIn(h.srv, 'branch001');
  assertError(await branch.post(`${C}/${X}/contacts`, { type: 'mobile', value: '13800000000' }), 403,
    'customer.not_custodian');
  assertError(await branch.del(`${C}/${X}/contacts/${mobile.id}`), 403, 'customer.not_custodian');
  assertError(await (await signIn(h.srv, 'county02')).get(`${C}/${X}/contacts`), 404, 'route.not_found');
});
