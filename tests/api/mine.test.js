// MOB-2 the Mine page over HTTP, on both backends: the summary (unit, outlet,
// credit-system id, position, days logged in counted in Asia/Shanghai days from the
// audit log), AUTH-1 changing one's own name and phone (validated, audited with
// before/after), and the About page's QR code.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { loadDoc, validate } from './lib/schema.js';
import { appendAudit, sqlRows, shanghai } from './lib/sql.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();
const schemaOk = (name, value) =>
  assert.deepEqual(validate(doc, { $ref: `#/components/schemas/${name}` }, value), [], `not a ${name}`);

const get = (s, p, headers) => h.srv.request('GET', p, { cookie: s.cookie, headers });
const patch = (s, body, headers) => h.srv.request('PATCH', '/api/v1/me', { cookie: s.cookie, csrf: s.csrf, body, headers });

test('MOB-2 summary: name, unit, outlet, credit-system id, position, member since', async () => {
  const s = await h.srv.login('cm00001');
  assert.equal(s.status, 200);
  const r = await get(s, '/api/v1/me/summary');
  assert.equal(r.status, 200, r.text);
  schemaOk('MineSummary', r.json);
  const m = r.json;
  assert.equal(m.username, 'cm00001');
  assert.equal(m.display_name, s.user.display_name);
  assert.equal(m.unit.level, 'outlet');
  assert.equal(m.outlet, m.unit.name, 'at an outlet, outlet is the unit name');
  assert.match(m.credit_id, /^C\d{8}$/);
  assert.deepEqual(m.position, s.user.position);
  assert.ok(m.days_logged_in >= 1, 'this login counts');
  assert.ok(m.member_since > 0 && m.member_since < Date.now());

  const a = await h.srv.login('admin');
  const ra = await get(a, '/api/v1/me/summary');
  assert.equal(ra.status, 200);
  assert.equal(ra.json.unit.level, 'province');
  assert.equal(ra.json.outlet, null, 'not at an outlet: null');
  assert.equal(ra.json.credit_id, null);

  assert.equal((await h.srv.request('GET', '/api/v1/me/summary')).status, 401);
});

test('MOB-2 days_logged_in counts distinct Asia/Shanghai days of successful logins', async () => {
  const s = await h.srv.login('cm00002');
  assert.equal(s.status, 200);
  const uid = s.user.id;
  const first = await get(s, '/api/v1/me/summary');
  assert.equal(first.json.days_logged_in, 1, 'only today so far');
  assert.equal(first.json.last_login_at, null, 'no login before this session');

  const login = (when) => ({ at: shanghai(when), user_id: uid, username: 'cm00002', ip: '10.0.0.8',
    action: 'login', object_type: 'user', object_id: String(uid) });
  // 2026-01-10 08:30 and 23:30 and 2026-01-11 00:10 (Shanghai) are one UTC day but two
  // Shanghai days; 2026-01-12 07:00 Shanghai is still 2026-01-11 in UTC.
  for (const t of ['2026-01-10 08:30', '2026-01-10 23:30', '2026-01-11 00:10', '2026-01-12 07:00']) {
    appendAudit(h.srv, login(t));
  }
  // neither a failed login nor another user's login counts
  appendAudit(h.srv, { ...login('2026-01-13 09:00'), action: 'login_failed', detail: '{"reason":"wrong_password"}' });
  const other = sqlRows(h.srv, "SELECT id FROM users WHERE username = 'cm00003'")[0][0];
  appendAudit(h.srv, { ...login('2026-01-14 09:00'), user_id: other, username: 'cm00003' });

  const r = await get(s, '/api/v1/me/summary');
  assert.equal(r.status, 200);
  assert.equal(r.json.days_logged_in, 4, 'today + 2026-01-10, -11, -12 in Shanghai');
  assert.equal(r.json.last_login_at, shanghai('2026-01-12 07:00'), 'the last login before this session');

  // A second login today adds no day; the first one becomes "the last login".
  const again = await h.srv.login('cm00002');
  const r2 = await get(again, '/api/v1/me/summary');
  assert.equal(r2.json.days_logged_in, 4);
  assert.ok(r2.json.last_login_at > shanghai('2026-01-12 07:00'));
});

test('AUTH-1 PATCH /me changes own name and phone, audited with before and after', async () => {
  const s = await h.srv.login('cm00004');
  const before0 = (await get(s, '/api/v1/me/summary')).json;
  const r = await patch(s, { display_name: '  测试 改名 ', phone: '0571-88886666' });
  assert.equal(r.status, 200, r.text);
  schemaOk('MineSummary', r.json);
  assert.equal(r.json.display_name, '测试 改名', 'white space around the name is dropped');
  assert.equal(r.json.phone, '0571-88886666');
  const me = await get(s, '/api/v1/auth/me');
  assert.equal(me.json.user.display_name, '测试 改名');

  // only the phone; a mobile number
  const r2 = await patch(s, { phone: '13912345678' });
  assert.equal(r2.status, 200);
  assert.equal(r2.json.display_name, '测试 改名');
  assert.equal(r2.json.phone, '13912345678');
  // null (or "") removes the phone
  const r3 = await patch(s, { phone: null });
  assert.equal(r3.status, 200);
  assert.equal(r3.json.phone, null);

  const admin = await h.srv.login('admin');
  const log = await get(admin, '/api/v1/audit?actor=cm00004&action=user.profile_updated');
  assert.equal(log.status, 200, log.text);
  assert.equal(log.json.total, 3);
  const [third, second, first] = log.json.items;
  assert.deepEqual(first.before, { display_name: before0.display_name, phone: before0.phone });
  assert.deepEqual(first.after, { display_name: '测试 改名', phone: '0571-88886666' });
  assert.deepEqual(second.before, { phone: '0571-88886666' }, 'only what changed');
  assert.deepEqual(second.after, { phone: '13912345678' });
  assert.deepEqual(third.after, { phone: null });
  assert.equal(first.entity, 'user');
  assert.equal(first.entity_id, String(s.user.id));
});

test('AUTH-1 PATCH /me refuses bad names and phones field by field, in zh and en', async () => {
  const s = await h.srv.login('cm00005');
  const cases = [
    [{ display_name: '' }, 'profile.name_invalid', 'display_name'],
    [{ display_name: '   ' }, 'profile.name_invalid', 'display_name'],
    [{ display_name: '张'.repeat(51) }, 'profile.name_invalid', 'display_name'],
    [{ display_name: 'a\u0007b' }, 'profile.name_invalid', 'display_name'],
    [{ display_name: 5 }, 'request.field_type', 'display_name'],
    [{ phone: '12345' }, 'profile.phone_invalid', 'phone'],
    [{ phone: '12812345678' }, 'profile.phone_invalid', 'phone'],
    [{ phone: '+8613812345678' }, 'profile.phone_invalid', 'phone'],
    [{ phone: 13812345678 }, 'request.field_type', 'phone'],
    [{}, 'profile.nothing_to_change', null],
  ];
  for (const [body, code, field] of cases) {
    const r = await patch(s, body);
    assert.equal(r.status, 422, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.code, code, JSON.stringify(body));
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  const zh = await patch(s, { phone: '123' });
  assert.match(zh.json.error.message, /电话号码格式不正确/);
  const en = await patch(s, { phone: '123' }, { 'Accept-Language': 'en' });
  assert.match(en.json.error.message, /Invalid phone number/);
  assert.equal((await patch(s, { display_name: '张'.repeat(50) })).status, 200, '50 characters are fine');

  assert.equal((await h.srv.request('PATCH', '/api/v1/me', { cookie: s.cookie, body: { phone: '13812345678' } })).status,
    403, 'no CSRF token');
  assert.equal((await h.srv.request('PATCH', '/api/v1/me', { body: { phone: '13812345678' } })).status, 401);
  const notJson = await h.srv.request('PATCH', '/api/v1/me', { cookie: s.cookie, csrf: s.csrf, raw: '{"phone":' });
  assert.equal(notJson.status, 400);
});

test('MOB-2 GET /about/qr.svg draws the QR code of an http(s) link as SVG', async () => {
  const s = await h.srv.login('cm00001');
  const url = 'https://crm.example.cn/m/alerts';
  const r = await get(s, `/api/v1/about/qr.svg?url=${encodeURIComponent(url)}`);
  assert.equal(r.status, 200, r.text);
  assert.match(String(r.headers['content-type']), /^image\/svg\+xml/);
  const svg = r.text;
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"/);
  const size = Number(svg.match(/viewBox="0 0 (\d+)/)[1]);
  assert.ok((size - 8 - 21) % 4 === 0, `${size - 8} modules is a QR version size (21 + 4k)`);
  assert.match(svg, /<rect width="\d+" height="\d+" fill="#fff"\/>/);
  assert.match(svg, /<path fill="#000" d="M4 4h7v1h-7z/, 'top-left finder pattern after a quiet zone of 4');
  assert.match(svg, /<\/svg>\s*$/);
  assert.doesNotMatch(svg, /<script/i);

  const longest = `https://example.cn/${'a'.repeat(512 - 19)}`;
  assert.equal(longest.length, 512);
  assert.equal((await get(s, `/api/v1/about/qr.svg?url=${encodeURIComponent(longest)}`)).status, 200);
  for (const bad of [`${longest}a`, 'javascript:alert(1)', 'ftp://example.cn/', 'https://', 'example.cn', 'https://a b/']) {
    const b = await get(s, `/api/v1/about/qr.svg?url=${encodeURIComponent(bad)}`);
    assert.equal(b.status, 422, bad);
    assert.equal(b.json.error.code, 'about.qr_url_invalid');
    assert.equal(b.json.error.field, 'url');
  }
  const missing = await get(s, '/api/v1/about/qr.svg');
  assert.equal(missing.status, 422);
  assert.equal(missing.json.error.code, 'request.field_required');
  assert.equal((await h.srv.request('GET', '/api/v1/about/qr.svg?url=https%3A%2F%2Fexample.cn%2F')).status, 401);
});
