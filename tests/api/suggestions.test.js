// MOB-2 suggestions over HTTP, on both backends: any signed-in user sends a defect,
// an improvement or a new need and sees its answer; holders of suggestions.manage
// (the demo admin) list, filter and answer them; others get 403. Every change is in
// the audit log (AUTH-7).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { loadDoc, validate } from './lib/schema.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();
const schemaOk = (name, value) =>
  assert.deepEqual(validate(doc, { $ref: `#/components/schemas/${name}` }, value), [], `not a ${name}`);

const get = (s, p) => h.srv.request('GET', p, { cookie: s.cookie });
const post = (s, p, body, headers) => h.srv.request('POST', p, { cookie: s.cookie, csrf: s.csrf, body, headers });

let cm; // cm00001
let other; // cm00002
let admin;

test('MOB-2 a user sends suggestions and lists only their own', async () => {
  cm = await h.srv.login('cm00001');
  other = await h.srv.login('cm00002');
  admin = await h.srv.login('admin');
  const r = await post(cm, '/api/v1/suggestions', { kind: 'defect', title: ' 客户列表翻页很慢 ', body: '第 3 页以后\n要等很久。' });
  assert.equal(r.status, 201, r.text);
  schemaOk('Suggestion', r.json);
  assert.equal(r.json.kind, 'defect');
  assert.equal(r.json.title, '客户列表翻页很慢', 'trimmed');
  assert.equal(r.json.body, '第 3 页以后\n要等很久。', 'line breaks kept');
  assert.equal(r.json.status, 'open');
  assert.equal(r.json.answer, null);
  assert.equal(r.json.answered_by, null);
  assert.equal(r.json.user.username, 'cm00001');

  assert.equal((await post(cm, '/api/v1/suggestions', { kind: 'need', title: '希望能导出拜访记录', body: '按月导出。' })).status, 201);
  assert.equal((await post(other, '/api/v1/suggestions', { kind: 'improvement', title: '别人的', body: '别人的建议' })).status, 201);

  const mine = await get(cm, '/api/v1/suggestions/mine');
  assert.equal(mine.status, 200);
  schemaOk('SuggestionList', mine.json);
  assert.equal(mine.json.total, 2);
  assert.deepEqual(mine.json.items.map((s) => s.title), ['希望能导出拜访记录', '客户列表翻页很慢'], 'newest first');
  assert.ok(mine.json.items.every((s) => s.user.username === 'cm00001'));
  const paged = await get(cm, '/api/v1/suggestions/mine?size=1&page=2');
  assert.equal(paged.json.items.length, 1);
  assert.equal(paged.json.items[0].title, '客户列表翻页很慢');
  assert.equal(paged.json.total, 2);
});

test('MOB-2 suggestions refuse bad input field by field (422, zh and en)', async () => {
  const ok = { kind: 'improvement', title: '标题', body: '内容' };
  const cases = [
    [{ ...ok, kind: 'praise' }, 'suggestion.kind_invalid', 'kind'],
    [{ ...ok, title: '' }, 'suggestion.title_invalid', 'title'],
    [{ ...ok, title: '  ' }, 'suggestion.title_invalid', 'title'],
    [{ ...ok, title: '题'.repeat(101) }, 'suggestion.title_invalid', 'title'],
    [{ ...ok, title: '两\n行' }, 'suggestion.title_invalid', 'title'],
    [{ ...ok, body: '' }, 'suggestion.body_invalid', 'body'],
    [{ ...ok, body: '字'.repeat(2001) }, 'suggestion.body_invalid', 'body'],
    [{ kind: 'defect', title: '标题' }, 'request.field_required', 'body'],
    [{ ...ok, title: 7 }, 'request.field_type', 'title'],
  ];
  for (const [body, code, field] of cases) {
    const r = await post(cm, '/api/v1/suggestions', body);
    assert.equal(r.status, 422, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.error.code, code);
    assert.equal(r.json.error.field, field);
  }
  const en = await post(cm, '/api/v1/suggestions', { ...ok, title: '' }, { 'Accept-Language': 'en' });
  assert.match(en.json.error.message, /title must not be empty/);
  const zh = await post(cm, '/api/v1/suggestions', { ...ok, title: '' });
  assert.match(zh.json.error.message, /标题不能为空/);
  assert.equal((await post(cm, '/api/v1/suggestions', { ...ok, title: '题'.repeat(100), body: '字'.repeat(2000) })).status,
    201, 'the limits themselves are fine');
  assert.equal((await h.srv.request('POST', '/api/v1/suggestions', { cookie: cm.cookie, body: ok })).status, 403, 'no CSRF');
  assert.equal((await h.srv.request('POST', '/api/v1/suggestions', { body: ok })).status, 401);
});

test('MOB-2 only suggestions.manage lists and answers everybody\'s suggestions (403 for others)', async () => {
  const list = await get(cm, '/api/v1/suggestions');
  assert.equal(list.status, 403);
  assert.equal(list.json.error.code, 'auth.forbidden');
  const ans = await post(cm, '/api/v1/suggestions/1/answer', { answer: '自己回复' });
  assert.equal(ans.status, 403);
  for (const u of ['county01', 'branch001']) {
    const s = await h.srv.login(u);
    assert.equal((await get(s, '/api/v1/suggestions')).status, 403, u);
  }
  assert.equal((await h.srv.request('GET', '/api/v1/suggestions')).status, 401);
});

test('MOB-2 the admin filters, pages and answers; the user sees the answer; audited', async () => {
  const all = await get(admin, '/api/v1/suggestions');
  assert.equal(all.status, 200, all.text);
  schemaOk('SuggestionList', all.json);
  assert.ok(all.json.total >= 4);
  assert.ok(all.json.items.some((s) => s.user.username === 'cm00002'), 'everybody\'s');
  const defects = await get(admin, '/api/v1/suggestions?kind=defect&status=open');
  assert.ok(defects.json.items.length >= 1);
  assert.ok(defects.json.items.every((s) => s.kind === 'defect' && s.status === 'open'));
  const page = await get(admin, '/api/v1/suggestions?size=2&page=1');
  assert.equal(page.json.items.length, 2);
  assert.equal(page.json.size, 2);
  const big = await get(admin, '/api/v1/suggestions?size=500');
  assert.equal(big.json.size, 100, 'size is cut to 100');
  for (const q of ['status=done', 'kind=praise']) {
    const bad = await get(admin, `/api/v1/suggestions?${q}`);
    assert.equal(bad.status, 422, q);
    assert.equal(bad.json.error.code, 'request.query_invalid');
    assert.equal(bad.json.error.field, q.split('=')[0]);
  }

  const target = (await get(cm, '/api/v1/suggestions/mine')).json.items.find((s) => s.kind === 'defect');
  const r = await post(admin, `/api/v1/suggestions/${target.id}/answer`, { answer: '已定位，下周修复。' });
  assert.equal(r.status, 200, r.text);
  schemaOk('Suggestion', r.json);
  assert.equal(r.json.status, 'answered');
  assert.equal(r.json.answer, '已定位，下周修复。');
  assert.equal(r.json.answered_by.display_name, '系统管理员');
  assert.ok(r.json.answered_at >= r.json.created_at);

  const seen = (await get(cm, '/api/v1/suggestions/mine')).json.items.find((s) => s.id === target.id);
  assert.equal(seen.status, 'answered');
  assert.equal(seen.answer, '已定位，下周修复。');

  const closed = await post(admin, `/api/v1/suggestions/${target.id}/answer`, { answer: '已修复。', close: true });
  assert.equal(closed.status, 200);
  assert.equal(closed.json.status, 'closed');
  const again = await post(admin, `/api/v1/suggestions/${target.id}/answer`, { answer: '再说一次' });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'suggestion.closed');

  const missing = await post(admin, '/api/v1/suggestions/999999/answer', { answer: '无' });
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'suggestion.not_found');
  assert.equal((await post(admin, '/api/v1/suggestions/abc/answer', { answer: '无' })).status, 404);
  const empty = await post(admin, `/api/v1/suggestions/${target.id}/answer`, { answer: ' ' });
  assert.equal(empty.status, 422);
  assert.equal(empty.json.error.code, 'suggestion.answer_invalid');
  const badClose = await post(admin, `/api/v1/suggestions/${target.id}/answer`, { answer: '好', close: 'yes' });
  assert.equal(badClose.status, 422);
  assert.equal(badClose.json.error.field, 'close');

  // AUTH-7: created and answered, with before/after
  const log = await get(admin, `/api/v1/audit?entity=suggestion&target=${target.id}`);
  assert.equal(log.status, 200);
  const actions = log.json.items.filter((e) => e.entity_id === String(target.id)).map((e) => e.action);
  assert.deepEqual(actions, ['suggestion.answered', 'suggestion.answered', 'suggestion.created']);
  const [closing, answering, created] = log.json.items.filter((e) => e.entity_id === String(target.id));
  assert.equal(created.actor.username, 'cm00001');
  assert.equal(created.after.title, '客户列表翻页很慢');
  assert.deepEqual(answering.before, { status: 'open', answer: null });
  assert.deepEqual(answering.after, { status: 'answered', answer: '已定位，下周修复。' });
  assert.deepEqual(closing.before, { status: 'answered', answer: '已定位，下周修复。' });
  assert.deepEqual(closing.after, { status: 'closed', answer: '已修复。' });
  assert.equal(closing.actor.username, 'admin');
});
