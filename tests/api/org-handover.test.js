// ORG-7 staff leave over HTTP, on both backends: the preview counts what a leaving
// user holds; the handover moves all of their customers to another user in one
// operation, keeps a custody-history row per customer, by default disables the
// leaving user (their sessions end), and is listed in the history; refused for the
// same user, a disabled or out-of-scope receiver, a leaving user outside the scope,
// and for callers without staff.handover.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, sql, sqlValue, auditOf, assertError, assertSchema, memo } from './lib/org.js';

let admin;
const h = useServer({
  before: (start) => before(async () => { await start(); admin = await signIn(h.srv, 'admin'); }),
  after, afterEach,
}, { customers: 1500 });
const USERS = '/api/v1/users';
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));

const userId = memo((username) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${username}'`)));
const unitPath = memo((code) => sqlValue(h.srv, `SELECT path FROM org_units WHERE code = '${code}'`));
const held = (id) => Number(sqlValue(h.srv, `SELECT COUNT(*) FROM customers WHERE manager_id = ${id}`));
// The custodians of a county's customers, most customers first: [[id, username, count], …]
const custodians = (countyCode) => sql(h.srv, `SELECT u.id, u.username, COUNT(*) FROM customers c
  JOIN users u ON u.id = c.manager_id JOIN org_units o ON o.id = u.unit_id
  WHERE o.path LIKE '${unitPath(countyCode)}%' AND u.username LIKE 'cm%' AND u.status = 'active'
  GROUP BY u.id, u.username ORDER BY COUNT(*) DESC, u.id`).map(([id, name, n]) => [Number(id), name, Number(n)]);

test('ORG-7 the preview counts the customers a user holds (tasks and approvals: none yet)', async () => {
  const county = await who('county01');
  for (const [id, , n] of custodians('801000').slice(0, 3)) {
    const res = await county.get(`${USERS}/${id}/handover-preview`);
    assert.equal(res.status, 200, res.text);
    assertSchema('GET', `${USERS}/{id}/handover-preview`, res);
    assert.deepEqual(res.json, { customers: n, tasks: 0, approvals: 0 });
    assert.equal(res.json.customers, held(id));
  }
  const lobby = await admin.get(`${USERS}/${userId('lobby0001')}/handover-preview`);
  assert.deepEqual(lobby.json, { customers: 0, tasks: 0, approvals: 0 });
  // outside the scope, unknown: 404; without staff.handover: 403
  const [[elsewhere]] = custodians('802000');
  assertError(await county.get(`${USERS}/${elsewhere}/handover-preview`), 404, 'route.not_found');
  assertError(await county.get(`${USERS}/999999/handover-preview`), 404, 'route.not_found');
  assertError(await (await who('branch001')).get(`${USERS}/${elsewhere}/handover-preview`), 403, 'auth.forbidden');
  assertError(await (await who('cm00001')).get(`${USERS}/${elsewhere}/handover-preview`), 403, 'auth.forbidden');
});

test('ORG-7 the handover moves every customer with a custody-history row, disables the leaving user and ends their sessions', async () => {
  const county = await who('county01');
  const [[from, fromName, n]] = custodians('801000');
  assert.ok(n > 1, `the busiest custodian holds ${n} customers`);
  const to = userId('branch001');
  const toBefore = held(to);
  const moved = sql(h.srv, `SELECT id FROM customers WHERE manager_id = ${from} ORDER BY id`).map((r) => Number(r[0]));
  const leaving = await signIn(h.srv, fromName);

  const res = await county.post(`${USERS}/${from}/handover`, { to_user_id: to, note: '调往他行' });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', `${USERS}/{id}/handover`, res);
  const ho = res.json;
  assert.equal(ho.from.id, from);
  assert.equal(ho.to.id, to);
  assert.equal(ho.by.id, userId('county01'));
  assert.deepEqual([ho.customers, ho.tasks, ho.approvals], [n, 0, 0]);
  assert.equal(ho.note, '调往他行');
  assert.ok(Math.abs(ho.at - Date.now()) < 60000);

  assert.equal(held(from), 0, 'nothing is left with the leaving user');
  assert.equal(held(to), toBefore + n);
  const history = sql(h.srv, `SELECT customer_id, from_user, to_user, reason FROM custody_history
    WHERE handover_id = ${ho.id} ORDER BY customer_id`);
  assert.deepEqual(history.map((r) => Number(r[0])), moved, 'one history row per customer moved');
  assert.ok(history.every(([, f, t, reason]) => Number(f) === from && Number(t) === to && reason === 'handover'));

  assert.equal(sqlValue(h.srv, `SELECT status FROM users WHERE id = ${from}`), 'disabled');
  assertError(await leaving.get('/api/v1/customers'), 401, 'auth.unauthenticated');
  const [entry] = auditOf(h.srv, 'user.handover', from);
  assert.equal(entry.user_id, userId('county01'));
  assert.equal(entry.detail.handover_id, ho.id);
  assert.equal(entry.detail.to_user, to);
  assert.equal(entry.detail.customers, n);
  assert.equal(entry.detail.disabled, true);
  const preview = await county.get(`${USERS}/${from}/handover-preview`);
  assert.deepEqual(preview.json, { customers: 0, tasks: 0, approvals: 0 });
});

test('ORG-7 with disable false the leaving user stays active and signed in', async () => {
  const [, [from, fromName, n]] = custodians('801000');
  const to = userId('branch001');
  const staying = await signIn(h.srv, fromName);
  const res = await admin.post(`${USERS}/${from}/handover`, { to_user_id: to, disable: false });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.customers, n);
  assert.equal(res.json.note, '');
  assert.equal(held(from), 0);
  assert.equal(sqlValue(h.srv, `SELECT status FROM users WHERE id = ${from}`), 'active');
  assert.equal((await staying.get('/api/v1/auth/me')).status, 200);
  // a user who holds nothing can still be handed over (nothing moves)
  const again = await admin.post(`${USERS}/${from}/handover`, { to_user_id: to, disable: false });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.customers, 0);
});

test('ORG-7 the history lists handovers newest first, inside the caller\'s scope', async () => {
  const county = await who('county01');
  const res = await county.get('/api/v1/handovers');
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/handovers', res);
  const all = Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM handovers'));
  assert.equal(res.json.total, all, 'every handover so far was inside county01\'s county');
  assert.ok(all >= 3);
  const ats = res.json.items.map((x) => x.at);
  assert.deepEqual(ats, [...ats].sort((a, b) => b - a), 'newest first');
  assert.equal(res.json.items.at(-1).by.id, userId('county01'), 'the oldest is county01\'s');
  const paged = await county.get('/api/v1/handovers?size=1&page=2');
  assert.equal(paged.json.items.length, 1);
  assert.equal(paged.json.items[0].id, res.json.items[1].id);
  assert.equal((await admin.get('/api/v1/handovers')).json.total, all);

  // another county sees none of them
  const other = await who('county02');
  assert.equal((await other.get('/api/v1/handovers')).json.total, 0);
  assertError(await (await who('branch001')).get('/api/v1/handovers'), 403, 'auth.forbidden');
});

test('ORG-7 refused: same user, disabled or out-of-scope receiver, leaving user outside the scope, no staff.handover', async () => {
  const county = await who('county01');
  const [[from]] = custodians('801000');
  const n = held(from);
  const count0 = sqlValue(h.srv, 'SELECT COUNT(*) FROM handovers');
  const p = `${USERS}/${from}/handover`;
  assertError(await county.post(p, { to_user_id: from }), 422, 'handover.same_user', 'to_user_id');
  const disabled = userId('cm00003');
  sql(h.srv, `UPDATE users SET status = 'disabled' WHERE id = ${disabled}`);
  assertError(await county.post(p, { to_user_id: disabled }), 422, 'handover.target_inactive', 'to_user_id');
  sql(h.srv, `UPDATE users SET status = 'active' WHERE id = ${disabled}`);
  const [[outside]] = custodians('802000');
  assertError(await county.post(p, { to_user_id: outside }), 422, 'handover.target_inactive', 'to_user_id');
  assertError(await county.post(p, { to_user_id: 999999 }), 422, 'handover.target_inactive', 'to_user_id');
  assertError(await county.post(`${USERS}/${outside}/handover`, { to_user_id: userId('branch001') }), 404,
    'route.not_found');
  assertError(await county.post(`${USERS}/999999/handover`, { to_user_id: userId('branch001') }), 404,
    'route.not_found');
  assertError(await county.post(p, {}), 422, 'request.field_required', 'to_user_id');
  assertError(await county.post(p, { to_user_id: String(userId('branch001')) }), 422, 'request.field_type',
    'to_user_id');
  assertError(await county.post(p, { to_user_id: userId('branch001'), disable: 'yes' }), 422, 'request.field_type',
    'disable');
  assertError(await county.post(p, { to_user_id: userId('branch001'), note: 'x'.repeat(501) }), 422,
    'request.field_invalid', 'note');
  assertError(await county.post(`${USERS}/${userId('county01')}/handover`, { to_user_id: userId('branch001') }), 422,
    'user.self');
  assertError(await (await who('branch001')).post(p, { to_user_id: userId('branch001') }), 403, 'auth.forbidden');
  assertError(await (await who('cm00001')).post(p, { to_user_id: userId('branch001') }), 403, 'auth.forbidden');
  assert.equal(held(from), n, 'nothing moved');
  assert.equal(sqlValue(h.srv, 'SELECT COUNT(*) FROM handovers'), count0, 'nothing was recorded');
});
