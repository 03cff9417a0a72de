// MOB-3 the web UI as served by `fincrm serve --web DIR`: deep links get the SPA's
// index.html, hashed assets are cached for good, index.html never, and everything can
// travel gzip-compressed (usable on a slow network).
// DIR is web/dist when it has been built, else a small fixture (see lib/server.js).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useServer, gunzip } from './lib/server.js';

const h = useServer({ before, after, afterEach });

function indexHtml() {
  return fs.readFileSync(path.join(h.srv.web, 'index.html'));
}

// The hashed assets index.html refers to ("/assets/index-4f9a1c2e.js" …), else any
// file in assets/.
function assets() {
  const html = indexHtml().toString('utf8');
  const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  if (refs.length) return refs;
  const dir = path.join(h.srv.web, 'assets');
  return fs.readdirSync(dir).filter((f) => !f.endsWith('.gz') && !f.endsWith('.br')).map((f) => `/assets/${f}`);
}

function biggestCompressible() {
  const list = assets().filter((a) => /\.(js|css)$/.test(a));
  assert.ok(list.length > 0, `no .js/.css asset in ${h.srv.web}`);
  const size = (a) => fs.statSync(path.join(h.srv.web, a)).size;
  return list.sort((a, b) => size(b) - size(a))[0];
}

test('MOB-3 a deep link outside /api (/customers/123) gets the SPA index.html', async () => {
  const res = await h.srv.request('GET', '/customers/123', { headers: { Accept: 'text/html' } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(String(res.headers['content-type']), /^text\/html/);
  assert.ok(res.body.equals(indexHtml()), 'body is not web/index.html');
  const nested = await h.srv.request('GET', '/m/alerts/42?tab=today');
  assert.equal(nested.status, 200);
  assert.ok(nested.body.equals(indexHtml()));
});

test('MOB-3 / and index.html are served with Cache-Control no-cache', async () => {
  for (const p of ['/', '/index.html', '/customers/123']) {
    const res = await h.srv.request('GET', p);
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    assert.match(String(res.headers['content-type']), /^text\/html/, p);
    assert.match(String(res.headers['cache-control']), /no-cache/, `${p}: Cache-Control ${res.headers['cache-control']}`);
    assert.doesNotMatch(String(res.headers['cache-control']), /immutable/, p);
  }
});

test('MOB-3 hashed /assets/ files are served with the right type and Cache-Control immutable', async () => {
  for (const a of assets()) {
    const res = await h.srv.request('GET', a);
    assert.equal(res.status, 200, `${a}: ${res.status}`);
    assert.ok(res.body.equals(fs.readFileSync(path.join(h.srv.web, a))), `${a}: body differs from the file`);
    const cc = String(res.headers['cache-control']);
    assert.match(cc, /immutable/, `${a}: Cache-Control ${cc}`);
    const maxAge = Number((cc.match(/max-age=(\d+)/) || [])[1]);
    assert.ok(maxAge >= 86400 * 30, `${a}: max-age ${maxAge} is short for a hashed file`);
    const ct = String(res.headers['content-type']);
    if (a.endsWith('.js')) assert.match(ct, /^(text|application)\/javascript/, `${a}: ${ct}`);
    if (a.endsWith('.css')) assert.match(ct, /^text\/css/, `${a}: ${ct}`);
  }
});

test('MOB-3 with Accept-Encoding: gzip static files come gzip-encoded', async () => {
  const a = biggestCompressible();
  const file = fs.readFileSync(path.join(h.srv.web, a));
  const res = await h.srv.request('GET', a, { headers: { 'Accept-Encoding': 'gzip, deflate, br' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-encoding'], 'gzip', `${a} not gzip-encoded (size ${file.length})`);
  assert.ok(res.body.length < file.length, 'the gzip body is not smaller than the file');
  assert.ok(gunzip(res.body).equals(file), 'gunzipped body differs from the file');
  assert.match(String(res.headers['cache-control']), /immutable/);

  const html = await h.srv.request('GET', '/', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(html.status, 200);
  if (indexHtml().length >= 1024) {
    assert.equal(html.headers['content-encoding'], 'gzip', 'index.html not gzip-encoded');
  }
  const htmlBody = html.headers['content-encoding'] === 'gzip' ? gunzip(html.body) : html.body;
  assert.ok(htmlBody.equals(indexHtml()));
});

test('MOB-3 compressed answers say Vary: Accept-Encoding (shared caches keep both)', async () => {
  const a = biggestCompressible();
  const res = await h.srv.request('GET', a, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.match(String(res.headers.vary), /accept-encoding/i, `Vary: ${res.headers.vary}`);
});

test('MOB-3 without Accept-Encoding static files come as they are', async () => {
  const a = biggestCompressible();
  const res = await h.srv.request('GET', a, { headers: { 'Accept-Encoding': null } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-encoding'], undefined);
  assert.ok(res.body.equals(fs.readFileSync(path.join(h.srv.web, a))));
});

test('MOB-3 a missing hashed asset is 404, not index.html', async () => {
  const res = await h.srv.request('GET', '/assets/index-00000000.js');
  assert.equal(res.status, 404, `status ${res.status}, content-type ${res.headers['content-type']}`);
  assert.ok(!res.body.equals(indexHtml()));
  assert.doesNotMatch(String(res.headers['cache-control'] || ''), /immutable/);
});

test('MOB-3 static files never come from outside the web root (path traversal)', async () => {
  const probes = [
    '/../../../../../../etc/passwd',
    '/assets/../../../../../../etc/passwd',
    '/assets/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '/..%5c..%5c..%5c..%5cetc%5cpasswd',
  ];
  for (const p of probes) {
    const res = await h.srv.request('GET', p, { rawPath: true });
    assert.doesNotMatch(res.text, /root:.*:0:0:/, `${p} leaked /etc/passwd`);
    assert.ok(res.status === 200 || res.status === 400 || res.status === 404 || res.status === 403,
      `${p}: status ${res.status}`);
  }
  await h.srv.request('GET', '/healthz').then((r) => assert.equal(r.status, 200));
});
