// CUS-6 customer attributes on both backends: a default set is preloaded; the admin
// (customers.settings) defines attributes with list values, sort order and a note
// template with blanks 【】; custodians choose a value and fill the blanks (the note
// is rendered), the value must belong to the attribute and the blanks match the
// template; others in scope read; outside the scope is 404; changes are audited.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema } from './lib/org.js';
import { classify } from './lib/classify.js';

let admin;
const h = useServer({ before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach }, { customers: 600 });
const k = classify(h);
const A = '/api/v1/customer-attributes';

test('CUS-6 a default set of attributes is preloaded with list values and note templates', async () => {
  const cm = await k.who('cm00001');
  const res = await cm.get(A);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', A, res);
  const codes = res.json.items.map((a) => a.code);
  for (const c of ['property', 'car', 'employer_type', 'job', 'salary_form', 'marriage', 'education', 'social_insurance',
    'housing_fund']) assert.ok(codes.includes(c), c);
  const property = res.json.items.find((a) => a.code === 'property');
  assert.equal(property.blanks, 4);
  assert.ok(property.values.length >= 3);
  const sorts = res.json.items.map((a) => a.sort);
  assert.deepEqual(sorts, [...sorts].sort((x, y) => x - y), 'in sort order');
});

test('CUS-6 the admin defines and changes attributes; values in use are deactivated, not deleted', async () => {
  let res = await admin.post(A, { code: 'pets', name: '宠物', note_template: '养了【】只【】', sort: 200,
    values: [{ name: '有', sort: 1 }, { name: '无', sort: 2 }, { name: '不详', sort: 3 }] });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', A, res);
  const attr = res.json;
  assert.equal(attr.blanks, 2);
  assert.deepEqual(attr.values.map((v) => v.name), ['有', '无', '不详']);
  assertError(await admin.post(A, { code: 'pets', name: 'x' }), 409, 'customer_attribute.code_taken', 'code');
  assertError(await admin.post(A, { code: 'Bad Code', name: 'x' }), 422, 'request.field_invalid', 'code');
  assertError(await admin.post(A, { code: 'dup', name: 'x', values: [{ name: 'a' }, { name: 'a' }] }), 422,
    'request.field_invalid', 'values');
  assertError(await (await k.who('cm00001')).post(A, { code: 'x1', name: 'x' }), 403, 'auth.forbidden');

  // a customer holds 有: dropping it deactivates it; dropping unused 不详 deletes it
  const id = k.own('cm00001')[0];
  const cm = await k.who('cm00001');
  const yes = attr.values[0].id;
  assert.equal((await cm.put(`/api/v1/customers/${id}/attributes/${attr.id}`, { value_id: yes, blanks: ['2', '猫'] })).status,
    200);
  res = await admin.put(`${A}/${attr.id}`, { name: '宠物情况', note_template: '养了【】只【】', sort: 200,
    values: [{ id: attr.values[1].id, name: '没有', sort: 2 }, { name: '很多', sort: 4 }] });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', `${A}/{id}`, res);
  const byName = Object.fromEntries(res.json.values.map((v) => [v.name, v]));
  assert.equal(byName['有'].active, false, 'in use: kept, inactive');
  assert.equal(byName['没有'].active, true);
  assert.ok(byName['很多']);
  assert.equal(byName['不详'], undefined, 'unused: deleted');
  assert.equal(auditOf(h.srv, 'customer_attribute.updated', attr.id).length, 1);
  assertError(await admin.put(`${A}/999999`, { name: 'x' }), 404, 'route.not_found');
  // the customer still shows the inactive value; it cannot be chosen again
  res = await cm.get(`/api/v1/customers/${id}/attributes`);
  assert.equal(res.json.items.find((x) => x.attribute_id === attr.id).value_name, '有');
  assertError(await cm.put(`/api/v1/customers/${id}/attributes/${attr.id}`, { value_id: yes, blanks: ['1', '狗'] }), 422,
    'customer_attribute.value_invalid', 'value_id');
});

test('CUS-6 custodians set a value and fill the blanks; the note is rendered; others in scope read', async () => {
  const list = (await admin.get(A)).json.items;
  const property = list.find((a) => a.code === 'property');
  const car = list.find((a) => a.code === 'car');
  const cm = await k.who('cm00001');
  const id = k.own('cm00001')[0];
  const P = `/api/v1/customers/${id}/attributes/${property.id}`;
  let res = await cm.put(P, { value_id: property.values[1].id, blanks: ['城关镇', '2015', '120', ''] });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', '/api/v1/customers/{id}/attributes/{attribute_id}', res);
  assert.equal(res.json.value_name, property.values[1].name);
  assert.deepEqual(res.json.blanks, ['城关镇', '2015', '120', '']);
  assert.equal(res.json.note, '位于城关镇，建于2015年，面积120平方米，估值【】万元', 'an empty blank stays 【】');
  const entry = auditOf(h.srv, 'customer.attribute_set', id).at(-1);
  assert.equal(entry.detail.attribute_id, property.id);
  assert.deepEqual(entry.detail.after.blanks, ['城关镇', '2015', '120', '']);

  // validation: the value belongs to the attribute, one text per blank
  assertError(await cm.put(P, { value_id: car.values[0].id, blanks: ['a', 'b', 'c', 'd'] }), 422,
    'customer_attribute.value_invalid', 'value_id');
  assertError(await cm.put(P, { value_id: property.values[0].id, blanks: ['a'] }), 422, 'customer_attribute.blanks_invalid',
    'blanks');
  assertError(await cm.put(P, { blanks: ['a', 'b', 'c', 'x'.repeat(101)] }), 422, 'customer_attribute.blanks_invalid',
    'blanks');
  assertError(await cm.put(P, { blanks: [1, 2, 3, 4] }), 422, 'request.field_type', 'blanks');
  assertError(await cm.put(`/api/v1/customers/${id}/attributes/999999`, { blanks: [] }), 404, 'route.not_found');

  // everyone in scope reads, only custodians write
  const county = await k.who('county01');
  assert.ok(k.under('801000').includes(id), 'cm00001 works in county 801000');
  res = await county.get(`/api/v1/customers/${id}/attributes`);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/customers/{id}/attributes', res);
  assert.equal(res.json.editable, false);
  assert.equal(res.json.items.find((x) => x.code === 'property').note, '位于城关镇，建于2015年，面积120平方米，估值【】万元');
  assertError(await county.put(P, { blanks: ['a', 'b', 'c', 'd'] }), 403, 'customer.not_custodian');
  const any = k.under('801000')[0];
  assertError(await county.put(`/api/v1/customers/${any}/attributes/${property.id}`, { blanks: ['a', 'b', 'c', 'd'] }), 403,
    'customer.not_custodian');
  assertError(await admin.put(`/api/v1/customers/${any}/attributes/${property.id}`, { blanks: ['a', 'b', 'c', 'd'] }), 403,
    'customer.not_custodian');
  const other = k.outside('801000')[0];
  assertError(await county.get(`/api/v1/customers/${other}/attributes`), 404, 'route.not_found');

  // a custodian's list: editable, every active attribute, set or not
  res = await cm.get(`/api/v1/customers/${id}/attributes`);
  assert.equal(res.json.editable, true);
  assert.equal(res.json.items.find((x) => x.code === 'car').value_id, null);
  assert.equal(res.json.items.find((x) => x.code === 'car').note, null);

  // clearing
  assert.equal((await cm.del(P)).status, 204);
  res = await cm.get(`/api/v1/customers/${id}/attributes`);
  assert.equal(res.json.items.find((x) => x.code === 'property').value_id, null);
  assert.equal(auditOf(h.srv, 'customer.attribute_cleared', id).length, 1);

  // an inactive attribute cannot be set
  const edu = list.find((a) => a.code === 'education');
  await admin.put(`${A}/${edu.id}`, { name: edu.name, note_template: '', sort: edu.sort, active: false });
  assertError(await cm.put(`/api/v1/customers/${id}/attributes/${edu.id}`, { value_id: edu.values[0].id }), 422,
    'customer_attribute.inactive');
});
