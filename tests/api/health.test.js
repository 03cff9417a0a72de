// Health, readiness, metrics, version, request ids — the operations endpoints
// (DESIGN.md "Operations") and API-1 (every answer is traceable).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { loadDoc, validate, responseSchema } from './lib/schema.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();

function assertMatchesDoc(method, p, res) {
  const schema = responseSchema(doc, method, p, res.status);
  assert.ok(schema, `openapi.json describes no JSON answer ${res.status} for ${method} ${p}`);
  assert.deepEqual(validate(doc, schema, res.json), [],
    `${method} ${p} ${res.status} does not match openapi.json: ${res.text}`);
}

test('REL /healthz answers 200 {"status":"ok"} as JSON', async () => {
  const r = await h.srv.request('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.deepEqual(r.json, { status: 'ok' });
  assertMatchesDoc('GET', '/healthz', r);
});

test('REL /readyz answers 200 {"status":"ready"} when the database answers', async () => {
  const r = await h.srv.request('GET', '/readyz');
  assert.equal(r.status, 200, r.text);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  assert.deepEqual(r.json, { status: 'ready' });
  assertMatchesDoc('GET', '/readyz', r);
});

test('REL /metrics is Prometheus text with fincrm_http_requests_total', async () => {
  // make sure at least one request was counted before
  await h.srv.request('GET', '/healthz');
  const r = await h.srv.request('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(String(r.headers['content-type']), /^text\/plain/);
  assert.match(r.text, /^# TYPE fincrm_http_requests_total counter$/m);
  // at least one sample line with a value
  const samples = r.text.split('\n').filter((l) => /^fincrm_http_requests_total(\{[^}]*\})? \d/.test(l));
  assert.ok(samples.length > 0, `no fincrm_http_requests_total sample in:\n${r.text.slice(0, 2000)}`);
  const total = samples.reduce((s, l) => s + Number(l.split(' ').pop()), 0);
  assert.ok(total >= 1, `fincrm_http_requests_total adds up to ${total}`);
});

test('REL /metrics counts requests: the total grows after more requests', async () => {
  const sum = (text) => text.split('\n')
    .filter((l) => /^fincrm_http_requests_total(\{[^}]*\})? /.test(l))
    .reduce((s, l) => s + Number(l.split(' ').pop()), 0);
  const before1 = sum((await h.srv.request('GET', '/metrics')).text);
  for (let i = 0; i < 5; i++) await h.srv.request('GET', '/healthz');
  const after1 = sum((await h.srv.request('GET', '/metrics')).text);
  assert.ok(after1 >= before1 + 5, `total went from ${before1} to ${after1} after 5 more requests`);
});

test('API-1 /api/v1/version names the version and the database backend', async () => {
  const r = await h.srv.request('GET', '/api/v1/version');
  assert.equal(r.status, 200);
  assert.equal(r.json.version, '0.1.0');
  const expected = h.srv.dbKind === 'postgresql' ? 'postgresql' : 'sqlite';
  assert.equal(r.json.database, expected);
  assertMatchesDoc('GET', '/api/v1/version', r);
});

test('API-1 every response has an X-Request-Id, different per request', async () => {
  const answers = [
    await h.srv.request('GET', '/healthz'),
    await h.srv.request('GET', '/readyz'),
    await h.srv.request('GET', '/metrics'),
    await h.srv.request('GET', '/api/v1/version'),
    await h.srv.request('GET', '/api/v1/openapi.json'),
    await h.srv.request('GET', '/api/v1/auth/me'), // 401
    await h.srv.request('GET', '/api/v1/nope'), // 404
    await h.srv.request('DELETE', '/api/v1/auth/me'), // 405
    await h.srv.request('POST', '/api/v1/auth/login', { raw: '{' }), // 400
    await h.srv.request('GET', '/'), // web UI
  ];
  const ids = answers.map((r) => r.headers['x-request-id']);
  ids.forEach((id, i) => assert.ok(typeof id === 'string' && id.length >= 8,
    `answer ${i} (status ${answers[i].status}) has X-Request-Id ${JSON.stringify(id)}`));
  assert.equal(new Set(ids).size, ids.length, `request ids repeat: ${ids.join(', ')}`);
});
