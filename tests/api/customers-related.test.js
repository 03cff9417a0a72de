// CUS-14 related parties over HTTP, on both backends: custodians link a customer to
// another customer or to a person who is not a customer; a link between customers
// shows on both with the inverse kind; others in scope read; ID numbers and phones
// are masked like customer fields; customers outside the caller's scope are stubs;
// the related query answers the network as nodes and edges within the scope.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlRows, sqlValue } from './lib/sql.js';

const h = useServer({ before: (start) => before(async () => { await start(); setup(); }), after, afterEach },
  { customers: 1500 });
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));
const userId = memo((username) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${username}'`)));
const REL = (id) => `/api/v1/customers/${id}/relations`;
const NET = (id, depth) => `/api/v1/customers/${id}/related${depth ? `?depth=${depth}` : ''}`;
const GUARANTOR_ID = '11010519491231002X'; // a valid resident ID (GB 11643)

// cm00001 (a wealth manager, data scope `self`) holds five customers of its branch;
// `far` is a customer of another county, outside cm00001's and county01's scope.
let mine;
let far;
function setup() {
  const branch = sqlValue(h.srv, "SELECT path FROM org_units WHERE code = '801010'");
  mine = sqlRows(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id WHERE c.kind = 'individual'
    AND o.path LIKE '${branch}%' ORDER BY c.id LIMIT 5`).map((r) => Number(r[0]));
  assert.equal(mine.length, 5, 'the branch of cm00001 has customers');
  sqlRows(h.srv, `UPDATE customers SET manager_id = ${userId('cm00001')} WHERE id IN (${mine.join(',')})`);
  sqlRows(h.srv, 'DELETE FROM customer_relations'); // the demo's links: this file makes its own
  const [id, type, number, name] = sqlRows(h.srv, `SELECT c.id, c.id_type, c.id_number, c.name FROM customers c
    JOIN org_units o ON o.id = c.unit_id WHERE o.path NOT LIKE '/1/2/%' AND c.id_number IS NOT NULL
    AND c.kind = 'individual' ORDER BY c.id LIMIT 1`)[0];
  far = { id: Number(id), id_type: type, id_number: number, name };
}

const linksOf = async (c, id) => {
  const res = await c.get(REL(id));
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/customers/{id}/relations', res);
  return res.json;
};

test('CUS-14 a custodian links two of its customers; the other shows the inverse kind', async () => {
  const cm = await who('cm00001');
  const [a, b] = mine;
  const res = await cm.post(REL(a), { kind: 'parent', customer_id: b, note: '母亲' });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', '/api/v1/customers/{id}/relations', res);
  assert.equal(res.json.kind, 'parent');
  assert.equal(res.json.category, 'family');
  assert.equal(res.json.inverse, false);
  assert.equal(res.json.party.type, 'customer');
  assert.equal(res.json.party.id, b);
  assert.equal(res.json.created_by.id, userId('cm00001'));

  const onB = (await linksOf(cm, b)).items.find((l) => l.id === res.json.id);
  assert.ok(onB, 'the link shows on the related customer too');
  assert.equal(onB.kind, 'child');
  assert.equal(onB.inverse, true);
  assert.equal(onB.party.id, a);
  assert.equal(onB.note, '母亲');

  // the same link made again, from either end, is a duplicate
  assertError(await cm.post(REL(a), { kind: 'parent', customer_id: b }), 409, 'relation.duplicate');
  assertError(await cm.post(REL(b), { kind: 'child', customer_id: a }), 409, 'relation.duplicate');
  const audit = auditOf(h.srv, 'customer.relation_added', a);
  assert.equal(audit.at(-1).detail.after.related_customer_id, b);
  assert.equal(audit.at(-1).detail.after.kind, 'parent');
});

test('CUS-14 persons who are not customers: ID checked and normalised, shareholding percentage, refusals', async () => {
  const cm = await who('cm00001');
  const c = mine[2];
  let res = await cm.post(REL(c), { kind: 'guarantor',
    person: { name: '赵大', id_type: 'resident_id', id_number: GUARANTOR_ID.toLowerCase(), phone: '13800138000' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.party.type, 'person');
  assert.equal(res.json.party.id, null);
  assert.equal(res.json.party.id_number, GUARANTOR_ID, 'stored upper-case; the custodian sees it clear');
  assert.equal(res.json.party.phone, '13800138000');
  assert.deepEqual(res.json.party.masked, []);
  assertError(await cm.post(REL(c), { kind: 'guarantor', person: { name: '赵大', id_type: 'resident_id',
    id_number: GUARANTOR_ID } }), 409, 'relation.duplicate');

  res = await cm.post(REL(c), { kind: 'holding', person: { name: '某某商贸有限公司' }, percent: 25.5 });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.percent, 25.5);
  assert.equal(res.json.category, 'shareholding');

  const bad = [
    [{ kind: 'cousin', person: { name: '甲' } }, 'relation.kind_invalid', 'kind'],
    [{ kind: 'spouse' }, 'relation.party_required', 'customer_id'],
    [{ kind: 'spouse', customer_id: mine[3], person: { name: '甲' } }, 'relation.party_required', 'person'],
    [{ kind: 'spouse', person: { name: '甲' }, percent: 10 }, 'relation.percent_invalid', 'percent'],
    [{ kind: 'shareholder', person: { name: '甲' }, percent: 120 }, 'relation.percent_invalid', 'percent'],
    [{ kind: 'spouse', person: { name: '甲', id_type: 'resident_id', id_number: '110105194912310021' } },
      'party.id_number_invalid', 'id_number'],
    [{ kind: 'spouse', person: { name: '甲', id_number: GUARANTOR_ID } }, 'party.id_type_invalid', 'id_type'],
    [{ kind: 'spouse', person: { name: '甲', phone: 'call me' } }, 'party.phone_invalid', 'phone'],
    [{ kind: 'spouse', customer_id: c }, 'relation.self', 'customer_id'],
    [{ kind: 'spouse', customer_id: far.id }, 'relation.customer_not_found', 'customer_id'],
    [{ kind: 'spouse', person: {} }, 'request.field_required', 'name'],
  ];
  for (const [body, code, field] of bad) {
    const r = await cm.post(REL(c), body);
    assertError(r, code === 'relation.duplicate' ? 409 : 422, code, field);
  }
});

test('CUS-14 reading: others in scope read with masked ID numbers and phones; editing is for custodians', async () => {
  const c = mine[2];
  const county = await who('county01');
  const list = await linksOf(county, c);
  assert.equal(list.editable, false);
  const person = list.items.find((l) => l.kind === 'guarantor').party;
  assert.equal(person.id_number, '1101**********002X');
  assert.equal(person.phone, '138****8000');
  assert.deepEqual(person.masked.sort(), ['id_number', 'phone']);
  assert.equal((await linksOf(await who('cm00001'), c)).editable, true);

  // county01's role lacks customers.edit; branch001's has it but is not a custodian
  assertError(await county.post(REL(c), { kind: 'spouse', person: { name: '甲' } }), 403, 'auth.forbidden');
  const branch = await who('branch001');
  assertError(await branch.post(REL(c), { kind: 'spouse', person: { name: '甲' } }), 403, 'relation.not_editor');
  const link = list.items[0];
  assertError(await branch.del(`${REL(c)}/${link.id}`), 403, 'relation.not_editor');

  // a customer outside the caller's scope looks absent
  assertError(await county.get(REL(far.id)), 404, 'route.not_found');
  assertError(await county.get(NET(far.id)), 404, 'route.not_found');
});

test('CUS-14 a person whose ID is a customer\'s is linked as that customer: outside the scope a masked stub', async () => {
  const cm = await who('cm00001');
  const c = mine[3];
  const res = await cm.post(REL(c), { kind: 'employer', person: { name: '随便写', id_type: far.id_type,
    id_number: far.id_number } });
  assert.equal(res.status, 201, res.text);
  const p = res.json.party;
  assert.equal(p.type, 'customer');
  assert.equal(p.in_scope, false);
  assert.equal(p.id, null);
  assert.equal(p.name, `${[...far.name][0]}**`);
  assert.equal(p.id_number, undefined, 'a stub has no details');
  assert.equal(p.phone, undefined);
  assert.equal(Number(sqlValue(h.srv, `SELECT related_id FROM customer_relations WHERE id = ${res.json.id}`)), far.id);

  // the far customer's custodian side: admin (whole province) sees the inverse link with details
  const admin = await who('admin');
  const onFar = (await linksOf(admin, far.id)).items.find((l) => l.id === res.json.id);
  assert.equal(onFar.kind, 'employee');
  assert.equal(onFar.party.id, c);
  assert.equal(onFar.party.in_scope, true);
});

test('CUS-14 the related query: nodes and edges within the depth, stubs not expanded, people join customers', async () => {
  const cm = await who('cm00001');
  const [a, b, c, d] = mine;
  // b —spouse→ person X;  c —guarantor→ 赵大 (test 2);  d —guaranteed→ 赵大: 赵大 joins c and d
  let res = await cm.post(REL(b), { kind: 'spouse', person: { name: '钱二' } });
  assert.equal(res.status, 201, res.text);
  res = await cm.post(REL(d), { kind: 'guaranteed', person: { name: '赵大', id_type: 'resident_id',
    id_number: GUARANTOR_ID } });
  assert.equal(res.status, 201, res.text);
  // the far customer (a stub to cm00001) has a link of its own that cm00001 must not see
  sqlRows(h.srv, `INSERT INTO customer_relations (customer_id, kind, name, created_at, updated_at)
    VALUES (${far.id}, 'sibling', '孙三', 1, 1)`);

  const net = async (id, depth) => {
    const r = await cm.get(NET(id, depth));
    assert.equal(r.status, 200, r.text);
    assertSchema('GET', '/api/v1/customers/{id}/related', r);
    return r.json;
  };
  const names = (g) => g.nodes.map((n) => n.name).sort();

  let g = await net(a, 1);
  assert.equal(g.root, `c${a}`);
  assert.equal(g.depth, 1);
  assert.deepEqual(g.nodes.map((n) => n.key).sort(), [`c${a}`, `c${b}`].sort());
  assert.deepEqual(g.edges.map((e) => [e.source, e.target, e.kind]), [[`c${a}`, `c${b}`, 'parent']]);
  assert.equal(g.loans, undefined, 'loans come with the banking issue, not invented here');

  g = await net(a); // depth 2: b's spouse joins
  assert.equal(g.depth, 2);
  assert.ok(names(g).includes('钱二'));
  assert.equal(g.nodes.find((n) => n.name === '钱二').depth, 2);

  g = await net(c, 2); // c → 赵大 → d through the person's ID
  const zhao = g.nodes.find((n) => n.name === '赵大');
  assert.equal(zhao.type, 'person');
  assert.equal(zhao.key.startsWith('p'), true);
  assert.ok(g.nodes.some((n) => n.key === `c${d}` && n.depth === 2), 'd joined through 赵大');
  assert.equal(g.edges.filter((e) => e.target === zhao.key).length, 2);

  g = await net(d, 3); // d (= mine[3]) is employed by the far customer (previous test)
  const stub = g.nodes.find((n) => n.in_scope === false);
  assert.ok(stub, 'the employer outside the scope is a stub');
  assert.equal(stub.id, null);
  assert.match(stub.key, /^s\d+$/);
  assert.ok(!names(g).includes('孙三'), 'the network does not grow through a customer outside the scope');

  assertError(await cm.get(NET(a, 4)), 422, 'relation.depth_invalid', 'depth');
  assertError(await cm.get(NET(a, 'x')), 422, 'relation.depth_invalid', 'depth');
  const audit = auditOf(h.srv, 'customer.related_viewed', a);
  assert.ok(audit.length >= 2);
  assert.equal(audit.at(-1).user_id, userId('cm00001'));
  assert.equal(audit.at(-1).detail.depth, 2);
});

test('CUS-14 changing and removing a link from either end (audited)', async () => {
  const cm = await who('cm00001');
  const [a, b] = mine;
  const link = (await linksOf(cm, b)).items.find((l) => l.party.id === a);
  assert.equal(link.kind, 'child');
  // from b's side: a is b's shareholder (a holds shares of b) with 30 %
  let res = await cm.patch(`${REL(b)}/${link.id}`, { kind: 'shareholder', percent: 30, note: null });
  assert.equal(res.status, 200, res.text);
  assertSchema('PATCH', '/api/v1/customers/{id}/relations/{rid}', res);
  assert.equal(res.json.kind, 'shareholder');
  assert.equal(res.json.inverse, true);
  assert.equal(res.json.percent, 30);
  assert.equal(res.json.note, null);
  const onA = (await linksOf(cm, a)).items.find((l) => l.id === link.id);
  assert.equal(onA.kind, 'holding', 'stored from the holder: b is a holding of a');
  assert.equal(onA.percent, 30);
  const changed = auditOf(h.srv, 'customer.relation_changed', b).at(-1);
  assert.equal(changed.detail.before.kind, 'parent');
  assert.equal(changed.detail.after.kind, 'holding');
  assert.equal(changed.detail.after.share_bp, 3000);

  // back to a family kind: the percentage goes
  res = await cm.patch(`${REL(a)}/${link.id}`, { kind: 'sibling' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.percent, null);
  assertError(await cm.patch(`${REL(a)}/${link.id}`, { kind: 'boss' }), 422, 'relation.kind_invalid', 'kind');
  assertError(await cm.patch(`${REL(a)}/${link.id}`, { person: { name: '甲' } }), 422, 'request.field_invalid',
    'person');
  assertError(await cm.patch(`${REL(mine[4])}/${link.id}`, { kind: 'spouse' }), 404, 'relation.not_found');

  res = await cm.del(`${REL(b)}/${link.id}`);
  assert.equal(res.status, 204, res.text);
  assert.ok(!(await linksOf(cm, a)).items.some((l) => l.id === link.id));
  assert.ok(!(await linksOf(cm, b)).items.some((l) => l.id === link.id));
  assertError(await cm.del(`${REL(b)}/${link.id}`), 404, 'relation.not_found');
  const removed = auditOf(h.srv, 'customer.relation_removed', b).at(-1);
  assert.equal(removed.detail.relation_id, link.id);
  assert.equal(removed.detail.before.related_customer_id, b);
});
