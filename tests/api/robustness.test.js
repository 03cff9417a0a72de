// API-1 the HTTP layer: bad bodies, limits, unknown routes and methods, media types,
// and the one error body shape {"error":{code,message,field,request_id}}.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer, DEMO_PASSWORD } from './lib/server.js';
import { loadDoc, validate } from './lib/schema.js';

const h = useServer({ before, after, afterEach });
const doc = loadDoc();
const LOGIN = '/api/v1/auth/login';
const errorSchema = { $ref: '#/components/schemas/Error' };

// Every error answer of the API: status, JSON content type, the four keys, the
// request id of the header, and the Error schema of openapi.json.
// `what` names the input in the failure message (loops over several inputs).
function assertError(res, status, code, field = null, what = '') {
  const w = what ? `[${what}] ` : '';
  assert.equal(res.status, status, `${w}expected ${status} ${code}, got ${res.status}: ${res.text.slice(0, 500)}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, `error content-type: ${res.headers['content-type']}`);
  assert.ok(res.json && typeof res.json.error === 'object' && res.json.error !== null,
    `no JSON error body: ${res.text.slice(0, 500)}`);
  const e = res.json.error;
  for (const k of ['code', 'message', 'field']) assert.ok(k in e, `error body lacks "${k}": ${res.text}`);
  assert.equal(e.code, code, `${w}${res.text}`);
  assert.equal(e.field, field, res.text);
  assert.equal(typeof e.message, 'string');
  assert.ok(e.message.length > 0, 'empty message');
  assert.equal(e.request_id, res.headers['x-request-id'], 'error.request_id differs from X-Request-Id');
  assert.deepEqual(validate(doc, errorSchema, res.json), [], `error body does not match openapi.json: ${res.text}`);
}

async function stillHealthy() {
  const r = await h.srv.request('GET', '/healthz', { timeout: 5000 });
  assert.equal(r.status, 200, 'server no longer healthy');
}

test('API-1 malformed JSON: 400 request.invalid_json', async () => {
  for (const raw of ['{"username": "admin",', '{username: "admin"}', '{"a":1} trailing', "{'a':1}"]) {
    const res = await h.srv.request('POST', LOGIN, { raw });
    assertError(res, 400, 'request.invalid_json', null, Buffer.isBuffer(raw) ? raw.toString('hex') : raw);
  }
});

test('API-1 an empty body where a JSON object is expected: 400 request.invalid_json', async () => {
  const res = await h.srv.request('POST', LOGIN, { raw: '' });
  assertError(res, 400, 'request.invalid_json');
});

test('API-1 JSON that is not an object: 400 request.not_object', async () => {
  for (const raw of ['[1,2]', '"admin"', '42', 'null', 'true']) {
    const res = await h.srv.request('POST', LOGIN, { raw });
    assertError(res, 400, 'request.not_object', null, `body ${raw}`);
  }
});

test('API-1 a body that is not UTF-8: 400 request.invalid_json', async () => {
  const bad = [
    Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","password":"x"}')]),
    Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc3]), Buffer.from('","password":"x"}')]), // truncated sequence
    Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","password":"x"}')]), // surrogate
    Buffer.concat([Buffer.from('{"username":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","password":"x"}')]), // overlong
  ];
  for (const raw of bad) {
    const res = await h.srv.request('POST', LOGIN, { raw });
    assertError(res, 400, 'request.invalid_json', null, Buffer.isBuffer(raw) ? raw.toString('hex') : raw);
  }
});

test('API-1 deeply nested JSON is refused with 400 and does not crash the server', async () => {
  const depth = 100000;
  const res = await h.srv.request('POST', LOGIN, { raw: '['.repeat(depth) + ']'.repeat(depth) });
  assert.equal(res.status, 400, res.text.slice(0, 300));
  assert.ok(['request.invalid_json', 'request.not_object'].includes(res.json.error.code), res.text);
  const res2 = await h.srv.request('POST', LOGIN, { raw: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) });
  assertError(res2, 400, 'request.invalid_json');
  await stillHealthy();
});

test('API-1 a body over 10 MB: 413 request.body_too_large, answered and not hung', async () => {
  const big = Buffer.alloc(11 * 1024 * 1024, 0x61);
  big.write('{"username":"', 0);
  big.write('"}', big.length - 2);
  const res = await h.srv.request('POST', LOGIN, { raw: big, timeout: 20000 });
  assertError(res, 413, 'request.body_too_large');
  await stillHealthy();
});

test('API-1 a body just under 10 MB is read (not 413)', async () => {
  // 9 MB: within the limit; the login then fails on the huge username, but not with 413
  const body = JSON.stringify({ username: 'a'.repeat(9 * 1024 * 1024), password: 'x' });
  const res = await h.srv.request('POST', LOGIN, { raw: body, timeout: 20000 });
  assert.notEqual(res.status, 413, res.text.slice(0, 300));
  assert.ok(res.status < 500, `status ${res.status}: ${res.text.slice(0, 300)}`);
});

test('API-1 unknown API route: 404 route.not_found, as JSON', async () => {
  assertError(await h.srv.request('GET', '/api/v1/nope'), 404, 'route.not_found');
  assertError(await h.srv.request('POST', '/api/v1/nope', { body: {} }), 404, 'route.not_found');
  assertError(await h.srv.request('GET', '/api/v2/auth/me'), 404, 'route.not_found');
  assertError(await h.srv.request('GET', '/api/v1/auth/me/extra'), 404, 'route.not_found');
  assertError(await h.srv.request('GET', '/api/v1/auth'), 404, 'route.not_found');
});

test('API-1 known route, other method: 405 route.method_not_allowed with an Allow header', async () => {
  const res = await h.srv.request('DELETE', '/api/v1/auth/me');
  assertError(res, 405, 'route.method_not_allowed');
  assert.ok(res.headers.allow, 'no Allow header');
  const allowed = res.headers.allow.split(',').map((m) => m.trim().toUpperCase());
  assert.ok(allowed.includes('GET'), `Allow: ${res.headers.allow}`);
  assert.ok(!allowed.includes('DELETE'), `Allow: ${res.headers.allow}`);

  const res2 = await h.srv.request('GET', LOGIN);
  assertError(res2, 405, 'route.method_not_allowed');
  assert.ok(res2.headers.allow.split(',').map((m) => m.trim().toUpperCase()).includes('POST'),
    `Allow: ${res2.headers.allow}`);
  const res3 = await h.srv.request('PUT', '/api/v1/version', { body: {} });
  assertError(res3, 405, 'route.method_not_allowed');
});

test('API-1 a body that is not application/json: 415 request.unsupported_media_type', async () => {
  const body = JSON.stringify({ username: 'admin', password: DEMO_PASSWORD });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
    const res = await h.srv.request('POST', LOGIN, { raw: body, headers: { 'Content-Type': ct } });
    assertError(res, 415, 'request.unsupported_media_type', null, `Content-Type: ${ct}`);
  }
});

test('API-1 a body without any Content-Type: 415', async () => {
  // raw body sent with the Content-Type header removed
  const res = await h.srv.request('POST', LOGIN, {
    raw: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
    headers: { 'Content-Type': null },
  });
  assertError(res, 415, 'request.unsupported_media_type');
});

test('API-1 error messages follow Accept-Language for every error kind', async () => {
  const cjk = /[\u4e00-\u9fff]/;
  const cases = [
    () => h.srv.request('POST', LOGIN, { raw: '{', headers: { 'Accept-Language': 'en' } }),
    () => h.srv.request('GET', '/api/v1/nope', { headers: { 'Accept-Language': 'en-GB' } }),
    () => h.srv.request('DELETE', '/api/v1/auth/me', { headers: { 'Accept-Language': 'en' } }),
    () => h.srv.request('GET', '/api/v1/auth/me', { headers: { 'Accept-Language': 'en' } }),
  ];
  for (const c of cases) {
    const res = await c();
    assert.ok(res.json && res.json.error, res.text);
    assert.doesNotMatch(res.json.error.message, cjk, `${res.json.error.code}: "${res.json.error.message}" is not English`);
  }
  const zh = await h.srv.request('GET', '/api/v1/nope');
  assert.match(zh.json.error.message, cjk, `default message not Chinese: ${zh.json.error.message}`);
});

test('API-1 the server survives all of the above', async () => {
  await stillHealthy();
  const s = await h.srv.login('admin');
  assert.equal(s.status, 200, s.res.text);
});
