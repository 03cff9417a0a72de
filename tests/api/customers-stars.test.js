// CUS-16 key customers on both backends: a user stars a customer they see with a
// colour; the star is theirs alone (others have their own; only they recolour or
// remove it); it stays with the customer when custody changes; "my key customers"
// lists the starred customers of the caller's scope.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { auditOf, assertError, assertSchema } from './lib/org.js';
import { sqlRows, sqlValue } from './lib/sql.js';
import { classify } from './lib/classify.js';

const h = useServer({ before: (start) => before(start), after, afterEach }, { customers: 800 });
const k = classify(h);
const S = (id) => `/api/v1/customers/${id}/star`;

test('CUS-16 a star is its owner\'s: others star on their own, only the owner recolours or unstars', async () => {
  const cm = await k.who('cm00001');
  const branch = await k.who('branch001');
  const id = k.own('cm00001').find((x) => k.under('801010').includes(x)) ?? k.own('cm00001')[0];
  let res = await cm.put(S(id), { color: 'red' });
  assert.equal(res.status, 200, res.text);
  assertSchema('PUT', '/api/v1/customers/{id}/star', res);
  assert.equal(res.json.color, 'red');
  assertError(await cm.put(S(id), { color: 'pink' }), 422, 'customer_star.color_invalid', 'color');
  assertError(await cm.put(S(id), {}), 422, 'request.field_required', 'color');
  assert.equal(auditOf(h.srv, 'customer.starred', id).length, 1);

  res = await branch.get(S(id));
  if (res.status === 200) { // branch001 sees the customer: its own star is separate
    assertSchema('GET', '/api/v1/customers/{id}/star', res);
    assert.equal(res.json.color, null);
    assert.equal((await branch.put(S(id), { color: 'blue' })).json.color, 'blue');
    assert.equal((await branch.del(S(id))).status, 204, 'removes only its own star');
    assert.equal((await cm.get(S(id))).json.color, 'red');
  }
  assert.equal((await cm.put(S(id), { color: 'green' })).json.color, 'green');
  assert.equal(sqlValue(h.srv, `SELECT color FROM customer_stars WHERE customer_id = ${id}
    AND user_id = ${k.userId('cm00001')}`), 'green');
  // a customer outside the scope cannot be starred
  assertError(await cm.put(S(k.outside('801000')[0]), { color: 'red' }), 404, 'route.not_found');
  assert.equal((await cm.del(S(id))).status, 204);
  assert.equal((await cm.get(S(id))).json.color, null);
});

test('CUS-16 my key customers; the star stays when custody changes', async () => {
  const branch = await k.who('branch001');
  const inBranch = k.under('801010');
  const [x, y] = inBranch;
  for (const id of [x, y]) assert.equal((await branch.put(S(id), { color: 'orange' })).status, 200);
  let res = await branch.get('/api/v1/customer-stars');
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/customer-stars', res);
  assert.deepEqual(res.json.items.map((c) => c.id).sort((a, b) => a - b), [x, y].sort((a, b) => a - b));
  assert.equal((await branch.get('/api/v1/customers?starred=1')).json.total, 2);

  // custody of x moves to another manager of the branch: the star stays, branch001 still lists it
  const other = Number(sqlValue(h.srv, `SELECT u.id FROM users u JOIN org_units o ON o.id = u.unit_id
    WHERE o.path LIKE '${k.unitPath('801010')}%' AND u.username LIKE 'cm%' AND u.id <> COALESCE(
    (SELECT manager_id FROM customers WHERE id = ${x}), 0) ORDER BY u.id LIMIT 1`));
  assert.ok(other > 0);
  sqlRows(h.srv, `UPDATE customers SET manager_id = ${other} WHERE id = ${x}`);
  res = await branch.get('/api/v1/customer-stars');
  assert.ok(res.json.items.some((c) => c.id === x));
  assert.equal((await branch.get(S(x))).json.color, 'orange');
  // the new custodian has no star of their own on it
  const otherName = sqlValue(h.srv, `SELECT username FROM users WHERE id = ${other}`);
  const newCustodian = await k.who(otherName);
  assert.equal((await newCustodian.get(S(x))).json.color, null);
  assert.equal((await newCustodian.get('/api/v1/customer-stars')).json.total, 0);
});
