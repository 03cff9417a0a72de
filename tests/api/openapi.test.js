// API-1 the API is described by an OpenAPI 3 document served by the server:
// GET /api/v1/openapi.json is src/api/openapi.json, describes every route of the
// server's route table (`fincrm routes`) and nothing else, and passes Redocly's lint.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { useServer, BIN, REPO } from './lib/server.js';
import { DOC_FILE, loadDoc, resolveRef } from './lib/schema.js';

const h = useServer({ before, after, afterEach });
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const REDOCLY = path.join(REPO, 'tests', 'node_modules', '.bin', 'redocly');
const REDOCLY_CONFIG = fileURLToPath(new URL('./redocly.yaml', import.meta.url));

let served; // the parsed document as the server sends it

async function fetchDoc() {
  if (served) return served;
  const res = await h.srv.request('GET', '/api/v1/openapi.json');
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(String(res.headers['content-type']), /^application\/json/);
  served = JSON.parse(res.text); // throws (fails the test) when it is not JSON
  return served;
}

// `fincrm routes`: one "METHOD /path" a line → [{method, path}]
function serverRoutes() {
  const out = execFileSync(BIN, ['routes'], { cwd: REPO, encoding: 'utf8', timeout: 20000 });
  const routes = [];
  for (const line of out.split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const m = l.match(/^([A-Z]+)\s+(\/\S*)$/);
    assert.ok(m, `unexpected line in 'fincrm routes': ${JSON.stringify(line)}`);
    routes.push({ method: m[1], path: m[2] });
  }
  return routes;
}

function operations(doc) {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths || {})) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m.toUpperCase(), path: p, op: item[m] });
  }
  return ops;
}

test('API-1 GET /api/v1/openapi.json is an OpenAPI 3 document (JSON, openapi 3.x, info)', async () => {
  const doc = await fetchDoc();
  assert.match(String(doc.openapi), /^3\.\d+\.\d+$/, `openapi: ${doc.openapi}`);
  assert.equal(doc.info.title, 'fincrm API');
  assert.equal(doc.info.version, '0.1.0');
  assert.ok(Array.isArray(doc.servers) && doc.servers.length === 1, 'servers: one entry');
  assert.equal(doc.servers[0].url, '/');
  assert.equal(typeof doc.paths, 'object');
});

test('API-1 the served document is src/api/openapi.json (the server embeds the current file)', async () => {
  const doc = await fetchDoc();
  assert.deepEqual(doc, loadDoc(), `${DOC_FILE} changed since build/fincrm was built: run make`);
});

test('API-1 every route of `fincrm routes` is described in the OpenAPI document', async () => {
  const doc = await fetchDoc();
  const routes = serverRoutes();
  assert.ok(routes.length >= 8, `fincrm routes listed only ${routes.length} routes`);
  const missing = routes.filter((r) => !(doc.paths[r.path] && doc.paths[r.path][r.method.toLowerCase()]));
  assert.deepEqual(missing.map((r) => `${r.method} ${r.path}`), [],
    'routes of the server that src/api/openapi.json does not describe');
});

test('API-1 every operation of the OpenAPI document is a route of the server', async () => {
  const doc = await fetchDoc();
  const have = new Set(serverRoutes().map((r) => `${r.method} ${r.path}`));
  const extra = operations(doc).map((o) => `${o.method} ${o.path}`).filter((k) => !have.has(k));
  assert.deepEqual(extra, [], 'operations in src/api/openapi.json that the server does not route');
});

test('API-1 the routes of docs/api-contract.md are all in the document', async () => {
  const doc = await fetchDoc();
  const contract = fs.readFileSync(path.join(REPO, 'docs', 'api-contract.md'), 'utf8');
  const rows = [...contract.matchAll(/^\|\s*(GET|POST|PUT|PATCH|DELETE)\s*\|\s*(\/\S+)\s*\|/gm)]
    .map((m) => ({ method: m[1], path: m[2] }));
  assert.ok(rows.length >= 8, `found only ${rows.length} routes in docs/api-contract.md`);
  const missing = rows.filter((r) => !(doc.paths[r.path] && doc.paths[r.path][r.method.toLowerCase()]));
  assert.deepEqual(missing.map((r) => `${r.method} ${r.path}`), []);
});

test('API-1 the document describes the session cookie and the CSRF header', async () => {
  const doc = await fetchDoc();
  const schemes = doc.components.securitySchemes;
  const cookie = Object.values(schemes).find((s) => s.type === 'apiKey' && s.in === 'cookie');
  assert.ok(cookie, 'no apiKey-in-cookie security scheme');
  assert.equal(cookie.name, 'fincrm_session');
  const csrf = Object.values(schemes).find((s) => s.type === 'apiKey' && s.in === 'header');
  assert.ok(csrf, 'no apiKey-in-header security scheme for CSRF');
  assert.equal(csrf.name, 'X-CSRF-Token');
  for (const name of ['User', 'Unit', 'Position', 'Error']) {
    assert.ok(doc.components.schemas[name], `components.schemas.${name} missing`);
  }
});

test('API-1 operations document their errors: bodies 400/413/415/422, sessions 401, state changes with a session 403', async () => {
  const doc = await fetchDoc();
  const problems = [];
  const csrfName = Object.entries(doc.components.securitySchemes)
    .find(([, s]) => s.in === 'header' && s.name === 'X-CSRF-Token')[0];
  for (const { method, path: p, op } of operations(doc)) {
    const where = `${method} ${p}`;
    const codes = Object.keys(op.responses || {});
    const security = op.security !== undefined ? op.security : (doc.security || []);
    const needsSession = security.length > 0 && security.every((req) => Object.keys(req).length > 0);
    if (op.requestBody) {
      for (const c of ['400', '413', '415', '422']) if (!codes.includes(c)) problems.push(`${where}: no ${c}`);
    }
    if (needsSession && !codes.includes('401')) problems.push(`${where}: needs a session but documents no 401`);
    if (needsSession && method !== 'GET') {
      if (!codes.includes('403')) problems.push(`${where}: state change with a session documents no 403`);
      if (!security.every((req) => csrfName in req)) problems.push(`${where}: state change without the CSRF scheme`);
    }
    for (const c of codes.filter((x) => /^[45]/.test(x))) {
      let r = op.responses[c];
      if (r.$ref) r = resolveRef(doc, r.$ref);
      const schema = r.content && r.content['application/json'] && r.content['application/json'].schema;
      if (!schema || schema.$ref !== '#/components/schemas/Error') {
        problems.push(`${where}: ${c} does not use the Error schema`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test('API-1 the OpenAPI document passes `redocly lint` (tests/api/redocly.yaml)', async () => {
  assert.ok(fs.existsSync(REDOCLY),
    `${REDOCLY} is missing: install the test tools (npm ci in tests/, scripts/deps.sh)`);
  const doc = await fetchDoc();
  const file = path.join(h.srv.tmp, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  const r = spawnSync(REDOCLY, ['lint', '--config', REDOCLY_CONFIG, '--format=stylish', file], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 180000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  assert.equal(r.error, undefined, `redocly could not run: ${r.error}`);
  assert.equal(r.status, 0, `redocly lint failed:\n${r.stdout}\n${r.stderr}`);
});
