// CUS-8 customer search over HTTP, on both backends: the quick search (pinyin
// initials, name, customer number, phone, ID number; whole value and prefix), the
// filters (fixed fields, catalogue fields, tags all/any, key customers, quick
// filters), field security of filters (hidden fields cannot be filtered, masked ones
// only by their whole value), saved filters per user, sorting and paging. Results are
// compared with the database.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { useServer, BIN } from './lib/server.js';
import { signIn, assertError, assertSchema, allPages, memo } from './lib/org.js';
import { sqlRows, sqlValue, sqlIds, sql } from './lib/sql.js';

const CUSTOMERS = '/api/v1/customers';
const FILTERS = '/api/v1/customer-filters';
let admin;
const sessions = {};
const who = async (username) => (sessions[username] ??= await signIn(h.srv, username));
const userId = memo((u) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${u}'`)));
const unitPath = memo((code) => sqlValue(h.srv, `SELECT path FROM org_units WHERE code = '${code}'`));
const unitOf = memo((u) => sqlValue(h.srv, `SELECT o.path FROM users u JOIN org_units o ON o.id = u.unit_id
  WHERE u.username = '${u}'`));
const ids = (items) => items.map((c) => c.id).sort((a, b) => a - b);
// ids of the customers of cm00001's custody, and two customers named here
let own;
let zhangSan;
let zhangSanFeng;
let shan;
let tagA;
let tagB;

const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
    const cm = userId('cm00001');
    own = sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${cm} ORDER BY id`);
    assert.ok(own.length >= 6, `cm00001 holds ${own.length} customers`);
    [zhangSan, zhangSanFeng, shan] = own;
    // names written without initials: the backfill of `fincrm init` computes them (CUS-8);
    // the demo's star levels and key customers (CUS-16, CUS-17) are cleared: the filters count exact sets
    sql(h.srv, `UPDATE customers SET level = NULL, level_set_at = NULL WHERE level IS NOT NULL;
      DELETE FROM customer_stars;
      UPDATE customers SET name = '张三', name_initials = NULL WHERE id = ${zhangSan};
      UPDATE customers SET name = '张三丰', name_initials = NULL WHERE id = ${zhangSanFeng};
      UPDATE customers SET name = '单田芳', name_initials = NULL WHERE id = ${shan};
      UPDATE customers SET watch_list = NULL WHERE watch_list IS NOT NULL; -- the demo's black/grey list (CUS-15)
      UPDATE customers SET watch_list = 'grey', level = 'A', source = 'referral', occupation = '教师',
        missing_info = 2 WHERE id = ${own[3]};
      UPDATE customers SET level = 'A', occupation = '医生' WHERE id = ${own[4]};
      INSERT INTO tag_groups (name, multi, sort, created_at) VALUES ('测试标签组', 1, 0, 1);
      INSERT INTO customer_stars (user_id, customer_id, color, at) VALUES (${cm}, ${own[5]}, 'red', 1);`);
    const group = sqlValue(h.srv, "SELECT id FROM tag_groups WHERE name = '测试标签组'");
    sql(h.srv, `INSERT INTO tags (group_id, name, color, sort, created_at) VALUES (${group}, '甲', '', 0, 1);
      INSERT INTO tags (group_id, name, color, sort, created_at) VALUES (${group}, '乙', '', 1, 1);`);
    tagA = Number(sqlValue(h.srv, `SELECT id FROM tags WHERE name = '甲' AND group_id = ${group}`));
    tagB = Number(sqlValue(h.srv, `SELECT id FROM tags WHERE name = '乙' AND group_id = ${group}`));
    sql(h.srv, `INSERT INTO customer_tags (customer_id, tag_id, at) VALUES (${own[3]}, ${tagA}, 1), (${own[3]}, ${tagB}, 1),
      (${own[4]}, ${tagA}, 1), (${own[5]}, ${tagB}, 1)`);
    execFileSync(BIN, ['init', '--db', h.srv.dbUrl], { stdio: 'pipe' });
  }),
  after, afterEach,
}, { customers: 1500 });

async function list(c, query) {
  const res = await c.get(`${CUSTOMERS}?${query}`);
  assert.equal(res.status, 200, res.text);
  return res;
}

test('CUS-8 the backfill fills pinyin initials, surnames take their surname reading (单 → s)', () => {
  const rows = Object.fromEntries(sqlRows(h.srv, `SELECT id, name_initials FROM customers
    WHERE id IN (${zhangSan}, ${zhangSanFeng}, ${shan})`).map(([id, v]) => [Number(id), v]));
  assert.deepEqual(rows, { [zhangSan]: 'zs', [zhangSanFeng]: 'zsf', [shan]: 'stf' });
  assert.equal(sqlValue(h.srv, 'SELECT COUNT(*) FROM customers WHERE name_initials IS NULL'), '0');
});

test('CUS-8 pinyin initials: zs finds 张三 and 张三丰 (prefix), only 张三 as a whole word', async () => {
  const cm = await who('cm00001');
  let res = await list(cm, 'q=zs&size=100');
  assertSchema('GET', CUSTOMERS, res);
  const found = ids(res.json.items);
  assert.ok(found.includes(zhangSan) && found.includes(zhangSanFeng), res.text);
  const want = sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId('cm00001')}
    AND name_initials LIKE 'zs%'`);
  assert.deepEqual(found, want.sort((a, b) => a - b));
  // the default order of an initials search is the initials
  const initials = res.json.items.map((c) => sqlValue(h.srv, `SELECT name_initials FROM customers WHERE id = ${c.id}`));
  assert.deepEqual(initials, [...initials].sort());
  res = await list(cm, 'q=ZS&match=exact&size=100');
  assert.ok(ids(res.json.items).includes(zhangSan));
  assert.ok(!ids(res.json.items).includes(zhangSanFeng));
  res = await list(cm, 'q=stf');
  assert.ok(ids(res.json.items).includes(shan));
  res = await list(cm, 'q=dtf');
  assert.ok(!ids(res.json.items).includes(shan));
});

test('CUS-8 a name: prefix by default, whole with match=exact, only inside the scope', async () => {
  const cm = await who('cm00001');
  let res = await list(cm, `q=${encodeURIComponent('张三')}`);
  assert.deepEqual(ids(res.json.items), [zhangSan, zhangSanFeng].sort((a, b) => a - b));
  res = await list(cm, `q=${encodeURIComponent(' 张三 ')}&match=exact`);
  assert.deepEqual(ids(res.json.items), [zhangSan]);
  // a county manager of another county: no 张三 from cm00001's county
  const other = sqlValue(h.srv, `SELECT u.username FROM users u JOIN positions p ON p.id = u.position_id
    JOIN roles r ON r.id = p.role_id JOIN org_units o ON o.id = u.unit_id WHERE r.code = 'county_manager'
    AND '${unitOf('cm00001')}' NOT LIKE o.path || '%' ORDER BY u.id LIMIT 1`);
  const outside = await list(await who(other), `q=${encodeURIComponent('张三')}&match=exact`);
  assert.ok(!ids(outside.json.items).includes(zhangSan));
  res = await list(admin, `q=${encodeURIComponent('张三')}&match=exact`);
  assert.ok(ids(res.json.items).includes(zhangSan));
});

test('CUS-8 customer number and ID number: whole and prefix', async () => {
  const [no, idNumber] = sqlRows(h.srv, `SELECT customer_no, id_number FROM customers WHERE id = ${own[1]}`)[0];
  let res = await list(admin, `q=${no}`);
  assert.deepEqual(ids(res.json.items), [own[1]]);
  res = await list(admin, `q=${no.toLowerCase()}&match=exact`);
  assert.deepEqual(ids(res.json.items), [own[1]]);
  const prefix = no.slice(0, -2);
  res = await list(admin, `q=${prefix}&size=100`);
  const want = sqlIds(h.srv, `SELECT id FROM customers WHERE customer_no LIKE '${prefix}%'
    OR id_number LIKE '${prefix}%'`);
  assert.deepEqual(ids(res.json.items), want.sort((a, b) => a - b));
  res = await list(admin, `q=${idNumber}`);
  assert.deepEqual(ids(res.json.items), [own[1]]);
});

test('CUS-8 AUTH-8 phones: prefix where the number is clear, whole only where it is masked', async () => {
  const mobile = sqlValue(h.srv, `SELECT mobile FROM customers WHERE id = ${own[2]}`);
  const prefix = mobile.slice(0, 7);
  // admin, with the mobile unmasked for the role: every customer whose mobile starts so
  sql(h.srv, `INSERT INTO field_rules (role_id, field, access, masking)
    SELECT id, 'mobile', 'edit', 'none' FROM roles WHERE code = 'system_admin'`);
  let res;
  try {
    res = await list(admin, `q=${prefix}&size=100`);
  } finally {
    sql(h.srv, `DELETE FROM field_rules WHERE field = 'mobile' AND role_id = (SELECT id FROM roles WHERE code = 'system_admin')`);
  }
  const want = sqlIds(h.srv, `SELECT id FROM customers WHERE mobile LIKE '${prefix}%' OR customer_no LIKE '${prefix}%'
    OR id_number LIKE '${prefix}%'`);
  assert.deepEqual(ids(res.json.items), want.sort((a, b) => a - b));
  // the custodian (mobile masked for the role, clear on own customers) finds by prefix
  res = await list(await who('cm00001'), `q=${prefix}`);
  assert.ok(ids(res.json.items).includes(own[2]), res.text);
  // branch001 (masked, not the custodian): the whole number finds it, a prefix does not
  const branch = await who('branch001');
  const inScope = Number(sqlValue(h.srv, `SELECT COUNT(*) FROM customers c JOIN org_units o ON o.id = c.unit_id
    WHERE c.id = ${own[2]} AND o.path LIKE '${unitOf('branch001')}%'`));
  assert.equal(inScope, 1, 'cm00001 works in branch001\'s subtree');
  res = await list(branch, `q=${prefix}`);
  assert.ok(!ids(res.json.items).includes(own[2]), 'a masked number is not found by its prefix');
  res = await list(branch, `q=${mobile}`);
  assert.ok(ids(res.json.items).includes(own[2]), 'the whole masked number finds it');
  assert.equal(res.json.items.find((c) => c.id === own[2]).mobile, `${mobile.slice(0, 3)}****${mobile.slice(-4)}`);
});

test('CUS-8 fixed filters: status, kind, level, watch list, source, missing info, custodian, unit subtree, created range', async () => {
  const cm = userId('cm00001');
  const check = async (query, where) => {
    const got = ids(await allPages(admin, `${CUSTOMERS}?${query}`));
    const want = sqlIds(h.srv, `SELECT c.id FROM customers c WHERE ${where}`).sort((a, b) => a - b);
    assert.deepEqual(got, want, query);
    return got;
  };
  await check('status=potential&kind=corporate', "c.status = 'potential' AND c.kind = 'corporate'");
  assert.deepEqual(await check('level=A', "c.level = 'A'"), [own[3], own[4]]);
  assert.deepEqual(await check('watch_list=grey', "c.watch_list = 'grey'"), [own[3]]);
  await check('watch_list=any', 'c.watch_list IS NOT NULL');
  // the demo sets sources and leaves some required fields empty too: own[3] is among them
  assert.ok((await check('source=referral', "c.source = 'referral'")).includes(own[3]));
  assert.ok((await check('missing_info=1', 'c.missing_info > 0')).includes(own[3]));
  await check(`custodian=${cm}&status=existing`, `c.manager_id = ${cm} AND c.status = 'existing'`);
  await check(`unit=${sqlValue(h.srv, "SELECT id FROM org_units WHERE code = '801010'")}`,
    `c.unit_id IN (SELECT id FROM org_units WHERE path LIKE '${unitPath('801010')}%')`);
  const day = 86400000;
  const from = new Date(Date.UTC(2025, 0, 1) - 8 * 3600000);
  const to = new Date(Date.UTC(2025, 1, 28) - 8 * 3600000 + day);
  await check('created_from=2025-01-01&created_to=2025-02-28',
    `c.created_at >= ${from.getTime()} AND c.created_at < ${to.getTime()}`);
  const mine = ids(await allPages(await who('cm00001'), `${CUSTOMERS}?custodian=me`));
  assert.deepEqual(mine, own);
});

test('CUS-8 catalogue fields: f=field:op:value, combined with AND', async () => {
  let res = await list(admin, `f=${encodeURIComponent('occupation:eq:教师')}`);
  assert.deepEqual(ids(res.json.items), [own[3]]);
  res = await admin.get(`${CUSTOMERS}?f=${encodeURIComponent('occupation:in:教师,医生')}&f=${encodeURIComponent('level:eq:A')}`);
  assertError(res, 422, 'customer.filter_field_invalid', 'f'); // level is not a catalogue field: ?level=
  res = await list(admin, `f=${encodeURIComponent('occupation:in:教师,医生')}&level=A`);
  assert.deepEqual(ids(res.json.items), [own[3], own[4]]);
  res = await list(admin, `f=${encodeURIComponent('occupation:set:')}&f=${encodeURIComponent('occupation:ne:医生')}`);
  assert.deepEqual(ids(res.json.items), [own[3]]);
  res = await list(admin, `f=${encodeURIComponent('name:prefix:张三')}`);
  assert.deepEqual(ids(res.json.items), [zhangSan, zhangSanFeng].sort((a, b) => a - b));
  res = await list(admin, `f=${encodeURIComponent('name:contains:田')}&f=${encodeURIComponent('name:prefix:单')}`);
  assert.ok(ids(res.json.items).includes(shan));
  res = await list(admin, `f=${encodeURIComponent('birth_date:gte:2000-01-01')}&size=100`);
  for (const c of res.json.items) assert.ok(c.birth_date === undefined || c.birth_date >= '2000-01-01');
  assertError(await admin.get(`${CUSTOMERS}?f=nosuch:eq:1`), 422, 'customer.filter_field_invalid', 'f');
  assertError(await admin.get(`${CUSTOMERS}?f=name:like:1`), 422, 'customer.filter_op_invalid', 'f');
  assertError(await admin.get(`${CUSTOMERS}?f=name`), 422, 'customer.filter_op_invalid', 'f');
  assertError(await admin.get(`${CUSTOMERS}?f=name:eq:`), 422, 'customer.filter_value_invalid', 'f');
  assertError(await admin.get(`${CUSTOMERS}?status=nope`), 422, 'customer.filter_value_invalid', 'status');
  assertError(await admin.get(`${CUSTOMERS}?created_from=2025-13-01`), 422, 'request.date_invalid', 'created_from');
  assertError(await admin.get(`${CUSTOMERS}?q=${'x'.repeat(65)}`), 422, 'customer.search_too_long', 'q');
});

test('CUS-8 tags: has all / has any; key customers: starred', async () => {
  let res = await list(admin, `tags=${tagA},${tagB}`);
  assert.deepEqual(ids(res.json.items), [own[3]]);
  res = await list(admin, `tags=${tagA},${tagB}&tag_mode=any`);
  assert.deepEqual(ids(res.json.items), [own[3], own[4], own[5]]);
  res = await list(admin, `tags=${tagB}&tag_mode=all`);
  assert.deepEqual(ids(res.json.items), [own[3], own[5]]);
  assertError(await admin.get(`${CUSTOMERS}?tags=1,x`), 422, 'customer.filter_value_invalid', 'tags');
  const cm = await who('cm00001');
  res = await list(cm, 'starred=1');
  assert.deepEqual(ids(res.json.items), [own[5]]);
  assert.equal(res.json.items[0].star, 'red');
  res = await list(admin, 'starred=1');
  assert.deepEqual(res.json.items, [], 'stars are the caller\'s own');
});

test('CUS-8 ORG-6 AUTH-8 field security of filters: hidden fields cannot be filtered or sorted, masked ones only whole', async () => {
  const staffUser = sqlValue(h.srv, `SELECT u.username FROM users u JOIN positions p ON p.id = u.position_id
    JOIN roles r ON r.id = p.role_id WHERE r.code = 'staff' AND u.status = 'active' ORDER BY u.id LIMIT 1`);
  const staff = await who(staffUser);
  // the staff role hides the address: filtering on it would tell what it holds
  assertError(await staff.get(`${CUSTOMERS}?f=address:contains:${encodeURIComponent('路')}`), 422,
    'customer.filter_field_invalid', 'f');
  assertError(await staff.get(`${CUSTOMERS}?sort=address`), 422, 'customer.sort_invalid', 'sort');
  // the mobile is masked for the custodian role: whole values only, no sorting
  const cm = await who('cm00001');
  assertError(await cm.get(`${CUSTOMERS}?f=mobile:prefix:138`), 422, 'customer.filter_masked_exact_only', 'f');
  assertError(await cm.get(`${CUSTOMERS}?f=mobile:contains:1234`), 422, 'customer.filter_masked_exact_only', 'f');
  assertError(await cm.get(`${CUSTOMERS}?sort=mobile`), 422, 'customer.sort_invalid', 'sort');
  const mobile = sqlValue(h.srv, `SELECT mobile FROM customers WHERE id = ${own[2]}`);
  const res = await list(cm, `f=mobile:eq:${mobile}`);
  assert.deepEqual(ids(res.json.items), [own[2]]);
  // the ID number too, for admin (masked by default, AUTH-8)
  assertError(await admin.get(`${CUSTOMERS}?f=id_number:prefix:11`), 422, 'customer.filter_masked_exact_only', 'f');
});

test('CUS-8 quick filters are defined in code; each one filters', async () => {
  const cm = await who('cm00001');
  const res = await cm.get(FILTERS);
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', FILTERS, res);
  assert.deepEqual(res.json.quick.map((q) => q.code), ['mine', 'assist', 'potential', 'missing', 'starred', 'watch']);
  assert.equal(res.json.quick[0].name, '我管护的');
  const en = await cm.get(FILTERS, { 'Accept-Language': 'en' });
  assert.equal(en.json.quick[0].name, 'My customers');
  assert.deepEqual(ids(await allPages(cm, `${CUSTOMERS}?quick=mine`)), own);
  assert.deepEqual(ids((await list(cm, 'quick=starred')).json.items), [own[5]]);
  assert.deepEqual(ids((await list(cm, 'quick=watch')).json.items), [own[3]]);
  const missing = ids(await allPages(cm, `${CUSTOMERS}?quick=missing`));
  assert.deepEqual(missing, sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId('cm00001')}
    AND missing_info > 0`).sort((a, b) => a - b));
  assert.ok(missing.includes(own[3]));
  const potential = ids(await allPages(cm, `${CUSTOMERS}?quick=potential`));
  assert.deepEqual(potential, sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId('cm00001')}
    AND status = 'potential'`).sort((a, b) => a - b));
  // an assistant custodian's customers
  sql(h.srv, `INSERT INTO customer_staff (customer_id, user_id, role, share, since)
    SELECT id, ${userId('cm00001')}, 'assistant', 0, 1 FROM customers WHERE manager_id <> ${userId('cm00001')}
    ORDER BY id LIMIT 1`);
  const assisted = sqlIds(h.srv, `SELECT customer_id FROM customer_staff WHERE user_id = ${userId('cm00001')}
    AND role = 'assistant'`);
  assert.ok(assisted.length > 0);
  assert.deepEqual(ids(await allPages(cm, `${CUSTOMERS}?quick=assist`)), assisted.sort((a, b) => a - b));
  assertError(await cm.get(`${CUSTOMERS}?quick=nope`), 422, 'customer.quick_filter_invalid', 'quick');
});

test('CUS-8 saved filters belong to their user: create, list, change, delete', async () => {
  const cm = await who('cm00001');
  const county = await who('county01');
  let res = await cm.post(FILTERS, { name: '灰名单客户', params: { watch_list: 'grey', f: ['occupation:eq:教师'] } });
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', FILTERS, res);
  const { id } = res.json;
  assert.deepEqual(res.json.params, { f: ['occupation:eq:教师'], watch_list: 'grey' });
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM audit_log WHERE action = 'customer_filter.created'
    AND object_id = '${id}'`), '1');
  assertError(await cm.post(FILTERS, { name: '灰名单客户', params: {} }), 409, 'customer.saved_filter_name_taken');
  assertError(await cm.post(FILTERS, { name: '', params: {} }), 422, 'customer.saved_filter_name_invalid');
  assertError(await cm.post(FILTERS, { name: 'x'.repeat(31), params: {} }), 422, 'customer.saved_filter_name_invalid');
  assertError(await cm.post(FILTERS, { name: '坏', params: { nope: '1' } }), 422, 'customer.saved_filter_params_invalid');
  assertError(await cm.post(FILTERS, { name: '坏', params: { status: 1 } }), 422, 'customer.saved_filter_params_invalid');
  assertError(await cm.post(FILTERS, { name: '坏', params: [] }), 422, 'customer.saved_filter_params_invalid');

  // the saved params, sent back to the list, filter it
  const saved = (await cm.get(FILTERS)).json.saved;
  assert.deepEqual(saved.map((s) => s.name), ['灰名单客户']);
  const p = saved[0].params;
  res = await list(cm, `watch_list=${p.watch_list}&f=${encodeURIComponent(p.f[0])}`);
  assert.deepEqual(ids(res.json.items), [own[3]]);

  // another user neither sees nor touches it
  assert.deepEqual((await county.get(FILTERS)).json.saved, []);
  assertError(await county.put(`${FILTERS}/${id}`, { name: '偷改', params: {} }), 404, 'customer.saved_filter_not_found');
  assertError(await county.del(`${FILTERS}/${id}`), 404, 'customer.saved_filter_not_found');
  // the same name is free for another user
  assert.equal((await county.post(FILTERS, { name: '灰名单客户', params: { quick: 'watch' } })).status, 201);

  res = await cm.put(`${FILTERS}/${id}`, { name: '今日未接通', params: { quick: 'potential' } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.name, '今日未接通');
  assert.deepEqual(res.json.params, { quick: 'potential' });
  assert.equal((await cm.del(`${FILTERS}/${id}`)).status, 204);
  assert.deepEqual((await cm.get(FILTERS)).json.saved, []);
  assertError(await cm.del(`${FILTERS}/${id}`), 404, 'customer.saved_filter_not_found');
});

test('CUS-8 sorting and paging: pages follow each other without gaps, total counted when asked', async () => {
  const cm = await who('cm00001');
  const inScope = Number(sqlValue(h.srv, `SELECT COUNT(*) FROM customers WHERE manager_id = ${userId('cm00001')}
    OR id IN (SELECT customer_id FROM customer_staff WHERE user_id = ${userId('cm00001')})`));
  for (const sort of ['customer_no', '-customer_no', '-created_at', 'created_at', 'name']) {
    const p1 = await list(cm, `sort=${sort}&size=10`);
    const p2 = await list(cm, `sort=${sort}&size=10&page=2&count=0`);
    const all = await list(cm, `sort=${sort}&size=20`);
    assert.deepEqual([...p1.json.items, ...p2.json.items].map((c) => c.id), all.json.items.map((c) => c.id), sort);
    assert.equal(p1.json.total, inScope);
    assert.equal(p2.json.total, null);
    if (sort.endsWith('customer_no')) {
      const nos = all.json.items.map((c) => c.customer_no);
      const sorted = [...nos].sort();
      assert.deepEqual(nos, sort.startsWith('-') ? sorted.reverse() : sorted, sort);
    }
  }
  // default: newest first
  const res = await list(cm, 'size=5');
  const want = sqlIds(h.srv, `SELECT id FROM customers WHERE manager_id = ${userId('cm00001')}
    OR id IN (SELECT customer_id FROM customer_staff WHERE user_id = ${userId('cm00001')})`).sort((a, b) => b - a)
    .slice(0, 5);
  assert.deepEqual(res.json.items.map((c) => c.id), want);
  assertError(await cm.get(`${CUSTOMERS}?sort=nope`), 422, 'customer.sort_invalid', 'sort');
});

test('CUS-8 list rows carry the flags: watch list, star colour, missing information, level', async () => {
  const cm = await who('cm00001');
  const res = await list(cm, 'quick=mine&size=100&sort=created_at');
  const row = (id) => res.json.items.find((c) => c.id === id);
  assert.equal(row(own[3]).watch_list, 'grey');
  assert.equal(row(own[3]).missing_info, true);
  assert.equal(row(own[3]).level, 'A');
  assert.equal(row(own[5]).star, 'red');
  assert.equal(row(own[0]).star, null);
  assert.equal(row(own[0]).custodian, true);
});
