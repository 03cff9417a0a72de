// CUS-1 CUS-3 CUS-4 the customer record over HTTP, on both backends: create with
// validated resident IDs (check digit, birth date and gender derived) and credit codes,
// mobile and source checks, the existing/potential status from the bank identities,
// the generated customer number, the collector and referrer rules, edit with an
// audit of before and after, errors in zh and en, and the missing-information mark
// with its form and its configurable required fields.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlValue, sql } from './lib/sql.js';
import { residentId, uscc } from './lib/customer.js';

let admin;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
  }),
  after, afterEach,
}, { customers: 200 });
const C = '/api/v1/customers';
const userId = memo((u) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${u}'`)));
const sessions = {};
const who = async (u) => (sessions[u] ??= await signIn(h.srv, u));
let n = 0;
const person = (extra = {}) => ({ kind: 'individual', name: `测试客户${++n}`, id_type: 'resident_id',
  id_number: residentId('19850315', 'F', 100 + n), mobile: `1390000${String(1000 + n).slice(-4)}`, source: 'walk_in',
  ...extra });

test('CUS-1 the form choices: ID types by kind, active sources, contact types, required fields', async () => {
  const res = await admin.get('/api/v1/customer-options');
  assert.equal(res.status, 200, res.text);
  assertSchema('GET', '/api/v1/customer-options', res);
  const kinds = Object.fromEntries(res.json.id_types.map((t) => [t.code, t.kind]));
  assert.equal(kinds.resident_id, 'individual');
  assert.equal(kinds.uscc, 'corporate');
  assert.ok(res.json.sources.some((s) => s.code === 'walk_in'));
  assert.deepEqual(res.json.contact_types.slice(0, 4).map((t) => t.code), ['mobile', 'home', 'office', 'email']);
  assert.deepEqual(res.json.required_fields, ['id_number', 'mobile', 'address', 'source']);
  const en = await admin.get('/api/v1/customer-options', { 'Accept-Language': 'en' });
  assert.equal(en.json.id_types.find((t) => t.code === 'resident_id').name, 'Resident ID card');
});

test('CUS-1 CUS-3 create: number generated, birth date and gender from the resident ID, collector recorded, audited', async () => {
  const body = person({ id_number: residentId('19800704', 'M', 7).toLowerCase() }); // a lower-case x is accepted
  const res = await admin.post(C, body);
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', C, res);
  assert.match(res.json.customer_no, /^C\d{12}$/);
  assert.equal(res.json.customer_no, `C${100000000000 + res.json.id}`);
  const rec = await admin.get(`${C}/${res.json.id}`);
  assert.equal(rec.status, 200, rec.text);
  assertSchema('GET', `${C}/{id}`, rec);
  assert.equal(rec.json.birth_date, '1980-07-04');
  assert.equal(rec.json.gender, 'M');
  assert.equal(rec.json.status, 'potential');
  assert.equal(rec.json.relation, 'collector');
  assert.equal(rec.json.custodians.collector.id, userId('admin'));
  assert.deepEqual(rec.json.missing, ['address'], 'no address yet: CUS-4 mark');
  assert.equal(rec.json.missing_info, true);
  assert.equal(sqlValue(h.srv, `SELECT missing_info FROM customers WHERE id = ${res.json.id}`), '1');
  const [entry] = auditOf(h.srv, 'customer.created', res.json.id);
  assert.equal(entry.user_id, userId('admin'));
  assert.equal(entry.detail.after.name, body.name);
  assert.equal(entry.detail.after.mobile, `${body.mobile.slice(0, 3)}****${body.mobile.slice(-4)}`, 'masked in the log');
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM customer_staff WHERE customer_id = ${res.json.id}
    AND role = 'collector'`), '1');
});

test('CUS-1 resident IDs: check digit, real birth date; a contradicting birth date or gender is refused (zh and en)', async () => {
  const good = residentId('19900228', 'F', 3);
  const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  assertError(await admin.post(C, person({ id_number: bad })), 422, 'customer.id_number_invalid', 'id_number');
  assertError(await admin.post(C, person({ id_number: residentId('19900230', 'F', 3) })), 422,
    'customer.id_number_invalid', 'id_number');
  assertError(await admin.post(C, person({ id_number: '12345' })), 422, 'customer.id_number_invalid');
  const r = await admin.post(C, person({ id_number: good, birth_date: '1990-03-01' }));
  assertError(r, 422, 'customer.birth_date_mismatch', 'birth_date');
  assert.equal(r.json.error.message, '出生日期与身份证号码不一致');
  const en = await admin.post(C, person({ id_number: good, gender: 'M' }), { 'Accept-Language': 'en' });
  assertError(en, 422, 'customer.gender_mismatch', 'gender');
  assert.equal(en.json.error.message, 'The gender contradicts the resident ID number');
  const ok = await admin.post(C, person({ id_number: good, gender: 'F', birth_date: '1990-02-28' }));
  assert.equal(ok.status, 201, ok.text);
  assertError(await admin.post(C, person({ id_number: good })), 409, 'customer.id_number_taken', 'id_number');
});

test('CUS-1 mobile, source, kind and ID type are checked', async () => {
  assertError(await admin.post(C, person({ mobile: '1380013800' })), 422, 'customer.mobile_invalid', 'mobile');
  assertError(await admin.post(C, person({ mobile: '23800138000' })), 422, 'customer.mobile_invalid', 'mobile');
  assertError(await admin.post(C, person({ source: 'nowhere' })), 422, 'customer.source_invalid', 'source');
  sql(h.srv, "UPDATE customer_sources SET active = 0 WHERE code = 'phone'");
  assertError(await admin.post(C, person({ source: 'phone' })), 422, 'customer.source_invalid', 'source');
  sql(h.srv, "UPDATE customer_sources SET active = 1 WHERE code = 'phone'");
  const { source, ...noSource } = person();
  assert.ok(source);
  assertError(await admin.post(C, noSource), 422, 'request.field_required', 'source');
  assertError(await admin.post(C, person({ kind: 'alien' })), 422, 'customer.kind_invalid', 'kind');
  assertError(await admin.post(C, person({ id_type: 'uscc' })), 422, 'customer.id_type_invalid', 'id_type');
  assertError(await admin.post(C, person({ birth_date: '1985-02-30', id_type: 'passport', id_number: 'E1234567' })),
    422, 'request.date_invalid', 'birth_date');
  const passport = await admin.post(C, person({ id_type: 'passport', id_number: 'E7654321', gender: 'M' }));
  assert.equal(passport.status, 201, passport.text);
  assertError(await admin.post(C, { name: 'x' }), 422, 'request.field_required', 'kind');
  assertError(await (await who('county01')).post(C, person()), 403, 'auth.forbidden');
});

test('CUS-1 corporate customers: unified social credit code with its check character', async () => {
  const code = uscc(42);
  const bad = code.slice(0, 17) + (code[17] === 'A' ? 'B' : 'A');
  const corp = { kind: 'corporate', name: '云泽测试科技有限公司', id_type: 'uscc', source: 'marketing' };
  assertError(await admin.post(C, { ...corp, id_number: bad }), 422, 'customer.uscc_invalid', 'id_number');
  assertError(await admin.post(C, { ...corp, id_number: code, gender: 'M' }), 422, 'request.field_invalid', 'gender');
  const res = await admin.post(C, { ...corp, id_number: code });
  assert.equal(res.status, 201, res.text);
  const rec = (await admin.get(`${C}/${res.json.id}`)).json;
  assert.equal(rec.kind, 'corporate');
  assert.equal(rec.gender, null);
});

test('CUS-1 CUS-3 existing vs potential through the bank identities; no referrer for an existing customer', async () => {
  const known = residentId('19700101', 'M', 55);
  sql(h.srv, `INSERT INTO bank_identities (id_type, id_number, core_no, at) VALUES ('resident_id', '${known}', 'K1', 1)`);
  const referrer = userId('cm00004');
  assertError(await admin.post(C, person({ id_number: known, referrer_id: referrer })), 422,
    'customer.referrer_not_allowed', 'referrer_id');
  const res = await admin.post(C, person({ id_number: known }));
  assert.equal(res.status, 201, res.text);
  assert.equal((await admin.get(`${C}/${res.json.id}`)).json.status, 'existing');
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM customer_staff WHERE customer_id = ${res.json.id}`), '0',
    'no collector for an existing customer');

  // a potential customer with a referrer: the referrer's unit, the referrer is primary (custodian position)
  const pot = await admin.post(C, person({ referrer_id: referrer }));
  assert.equal(pot.status, 201, pot.text);
  const rec = (await admin.get(`${C}/${pot.json.id}`)).json;
  assert.equal(rec.custodians.referrer.id, referrer);
  assert.equal(rec.unit.id, Number(sqlValue(h.srv, `SELECT unit_id FROM users WHERE id = ${referrer}`)));
  assertError(await admin.post(C, person({ referrer_id: 99999999 })), 422, 'customer.referrer_invalid', 'referrer_id');

  // changing the ID to a known one makes the customer existing
  const other = await admin.post(C, person());
  const known2 = residentId('19700102', 'F', 56);
  sql(h.srv, `INSERT INTO bank_identities (id_type, id_number, at) VALUES ('resident_id', '${known2}', 1)`);
  const upd = await admin.patch(`${C}/${other.json.id}`, { id_number: known2 });
  assert.equal(upd.status, 200, upd.text);
  assert.equal(upd.json.status, 'existing');
  assert.equal(upd.json.birth_date, '1970-01-02');
  assert.equal(upd.json.gender, 'F');
});

test('CUS-1 edit: before and after audited, fixed fields refused, nothing to change', async () => {
  const { json: { id } } = await admin.post(C, person({ address: '旧地址 1 号' }));
  const res = await admin.patch(`${C}/${id}`, { address: '新地址 2 号', occupation: '教师' });
  assert.equal(res.status, 200, res.text);
  assertSchema('PATCH', `${C}/{id}`, res);
  assert.equal(res.json.address, '新地址 2 号');
  const [e] = auditOf(h.srv, 'customer.updated', id);
  assert.deepEqual(e.detail.before, { address: '旧地址 1 号', occupation: null });
  assert.deepEqual(e.detail.after, { address: '新地址 2 号', occupation: '教师' });
  assertError(await admin.patch(`${C}/${id}`, { customer_no: 'C1' }), 422, 'customer.nothing_to_change');
  assertError(await admin.patch(`${C}/${id}`, { kind: 'corporate' }), 403, 'customer.field_read_only', 'kind');
  assertError(await admin.patch(`${C}/${id}`, {}), 422, 'customer.nothing_to_change');
  assertError(await admin.patch(`${C}/${id}`, { mobile: '12' }), 422, 'customer.mobile_invalid', 'mobile');
  assertError(await admin.patch(`${C}/99999999`, { address: 'x' }), 404, 'route.not_found');
});

test('CUS-4 the missing-information mark, its form, and the configurable required fields', async () => {
  const { json: { id } } = await admin.post(C, person());
  let form = await admin.get(`${C}/${id}/missing`);
  assert.equal(form.status, 200, form.text);
  assertSchema('GET', `${C}/{id}/missing`, form);
  assert.deepEqual(form.json.missing, ['address']);
  assert.deepEqual(form.json.editable, ['address']);
  assertError(await admin.patch(`${C}/${id}/missing`, { name: '改名' }), 422, 'customer.field_not_missing', 'name');
  form = await admin.patch(`${C}/${id}/missing`, { address: '补录地址 3 号' });
  assert.equal(form.status, 200, form.text);
  assert.deepEqual(form.json.missing, []);
  assert.equal((await admin.get(`${C}/${id}`)).json.missing_info, false);
  assert.equal(sqlValue(h.srv, `SELECT missing_info FROM customers WHERE id = ${id}`), '0');

  // non-custodians see basic info only in the form
  const cust = (await admin.get(`${C}/${id}`)).json;
  assert.equal(cust.custodian, false);
  assert.deepEqual(Object.keys(form.json.values).sort(), ['customer_no', 'kind', 'name', 'status']);

  // admin adds occupation: every customer without one gets the mark, in one go
  const cfg = await admin.put('/api/v1/customer-required-fields', { fields: ['id_number', 'mobile', 'address', 'source',
    'occupation'] });
  assert.equal(cfg.status, 200, cfg.text);
  assertSchema('PUT', '/api/v1/customer-required-fields', cfg);
  assert.equal(sqlValue(h.srv, 'SELECT COUNT(*) FROM customers WHERE missing_info = 0 AND occupation IS NULL'), '0');
  assert.deepEqual((await admin.get(`${C}/${id}`)).json.missing, ['occupation']);
  assert.equal(auditOf(h.srv, 'customer.required_fields_changed').length, 1);
  assertError(await admin.put('/api/v1/customer-required-fields', { fields: ['salary'] }), 422,
    'customer.required_field_invalid', 'fields');
  assertError(await (await who('county01')).get('/api/v1/customer-required-fields'), 403, 'auth.forbidden');
  await admin.put('/api/v1/customer-required-fields', { fields: ['id_number', 'mobile', 'address', 'source'] });
  assert.equal((await admin.get(`${C}/${id}`)).json.missing_info, false);
});

test('CUS-8 a created or renamed customer is found by the pinyin initials of its name', async () => {
  const { json: { id } } = await admin.post(C, person({ name: '欧阳明珠' }));
  const found = async (q) => (await admin.get(`${C}?q=${q}&size=100`)).json.items.some((c) => c.id === id);
  assert.ok(await found('oymz'), 'found by the initials of the new name');
  assert.equal((await admin.patch(`${C}/${id}`, { name: '司马光' })).status, 200);
  assert.ok(await found('smg'), 'found by the initials of the changed name');
  assert.ok(!(await found('oymz')), 'the old initials are gone');
});
