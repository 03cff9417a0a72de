// CUS-3 attachments over HTTP, on both backends: a photo or document is the raw body
// of the upload (its name in ?filename=), stored under --files-dir; the size limit
// (--max-upload-mb) answers 413, the type is decided by the first bytes (JPEG, PNG,
// PDF, Office) and must agree with the name and the declared type (415); downloads
// carry Content-Disposition and are audited; deletion removes the file.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlValue } from './lib/sql.js';

const FILES = fs.mkdtempSync(path.join(os.tmpdir(), 'fincrm-files-'));
let admin, X, P;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
    X = Number(sqlValue(h.srv, `SELECT c.id FROM customers c JOIN org_units o ON o.id = c.unit_id
      WHERE o.code = '801011' ORDER BY c.id LIMIT 1`));
    const res = await admin.put(`${C}/${X}/custodians`, { primary_id: userId('cm00001'), primary_share: 10000 });
    assert.equal(res.status, 200, res.text);
    P = await signIn(h.srv, 'cm00001');
  }),
  after: (fn) => after(async () => { await fn(); fs.rmSync(FILES, { recursive: true, force: true }); }),
  afterEach,
}, { customers: 100, args: ['--files-dir', FILES, '--max-upload-mb', '1'] });
const C = '/api/v1/customers';
const userId = memo((u) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${u}'`)));

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 1)]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const XLSX = Buffer.concat([Buffer.from('504b0304', 'hex'), Buffer.from('\0\0\0\0[Content_Types].xml<Types/>')]);
const DOC = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(64)]);

function upload(c, name, body, type = 'application/octet-stream', id = X) {
  const q = name === null ? '' : `?filename=${encodeURIComponent(name)}`;
  return h.srv.request('POST', `${C}/${id}/attachments${q}`, { cookie: c.cookie, csrf: c.csrf, raw: body,
    headers: { 'Content-Type': type } });
}

test('CUS-3 upload photos and documents: stored on disk, listed, downloaded with Content-Disposition, audited', async () => {
  const res = await upload(P, '身份证 正面.png', PNG, 'image/png');
  assert.equal(res.status, 201, res.text);
  assertSchema('POST', `${C}/{id}/attachments`, res);
  assert.equal(res.json.content_type, 'image/png');
  assert.equal(res.json.size, PNG.length);
  for (const [name, body, type] of [['a.jpg', JPEG, 'image/jpeg'], ['合同.pdf', PDF, 'application/pdf'],
    ['清单.xlsx', XLSX, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], ['旧.doc', DOC, '']]) {
    const r = await upload(P, name, body, type || 'application/octet-stream');
    assert.equal(r.status, 201, `${name}: ${r.text}`);
  }
  const rel = sqlValue(h.srv, `SELECT path FROM customer_attachments WHERE id = ${res.json.id}`);
  assert.deepEqual(fs.readFileSync(path.join(FILES, rel)), PNG, 'the file is under --files-dir');
  const list = await P.get(`${C}/${X}/attachments`);
  assert.equal(list.status, 200, list.text);
  assertSchema('GET', `${C}/{id}/attachments`, list);
  assert.equal(list.json.items.length, 5);
  assert.equal(list.json.max_bytes, 1 << 20);
  assert.equal(list.json.items.at(-1).uploaded_by.id, userId('cm00001'));

  const dl = await P.get(`${C}/${X}/attachments/${res.json.id}`);
  assert.equal(dl.status, 200);
  assert.deepEqual(dl.body, PNG);
  assert.equal(dl.headers['content-type'], 'image/png');
  assert.match(dl.headers['content-disposition'], /^attachment; filename="[^"]+"; filename\*=UTF-8''/);
  assert.ok(dl.headers['content-disposition'].includes(encodeURIComponent('身份证 正面.png').replace(/%20/g, '%20')));
  const a = auditOf(h.srv, 'customer.attachment_downloaded', X);
  assert.equal(a.length, 1);
  assert.equal(a[0].detail.attachment_id, res.json.id);
  assert.equal(auditOf(h.srv, 'customer.attachment_added', X).length, 5);
});

test('CUS-3 oversize files answer 413; the size limit is the --max-upload-mb flag', async () => {
  const big = Buffer.concat([PNG, Buffer.alloc((1 << 20) + 1 - PNG.length)]);
  const res = await upload(P, 'big.png', big, 'image/png');
  assert.equal(res.status, 413, res.text);
  const exact = Buffer.concat([PNG, Buffer.alloc((1 << 20) - PNG.length)]);
  assert.equal((await upload(P, 'exact.png', exact, 'image/png')).status, 201);
});

test('CUS-3 only JPEG, PNG, PDF and Office by their first bytes; name and type must agree (415)', async () => {
  assertError(await upload(P, 'note.txt', Buffer.from('just text'), 'text/plain'), 415, 'attachment.type_not_allowed');
  assertError(await upload(P, 'fake.png', Buffer.from('MZ\x90\0 not a png'), 'image/png'), 415,
    'attachment.type_not_allowed');
  assertError(await upload(P, 'x.zip', Buffer.from('504b030400000000', 'hex'), 'application/zip'), 415,
    'attachment.type_not_allowed');
  assertError(await upload(P, 'photo.pdf', PNG, 'application/pdf'), 415, 'attachment.type_mismatch', 'filename');
  assertError(await upload(P, 'photo.png', PNG, 'application/pdf'), 415, 'attachment.type_mismatch');
  assertError(await upload(P, 'photo.exe', JPEG, 'image/jpeg'), 415, 'attachment.type_mismatch', 'filename');
  assertError(await upload(P, null, PNG, 'image/png'), 422, 'attachment.filename_invalid', 'filename');
  assertError(await upload(P, '../..', PNG, 'image/png'), 422, 'attachment.filename_invalid', 'filename');
  assertError(await upload(P, 'empty.png', Buffer.alloc(0), 'image/png'), 422, 'attachment.empty');
  // a path in the name is reduced to its last part
  const r = await upload(P, '../../etc/passwd.png', PNG, 'image/png');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.filename, 'passwd.png');
});

test('CUS-3 who may see and change attachments; deleting removes the file', async () => {
  const county = await signIn(h.srv, 'county01');
  assertError(await county.get(`${C}/${X}/attachments`), 403, 'customer.custodians_only');
  const [first] = (await P.get(`${C}/${X}/attachments`)).json.items;
  assertError(await county.get(`${C}/${X}/attachments/${first.id}`), 403, 'customer.custodians_only');
  assertError(await upload(await signIn(h.srv, 'branch001'), 'b.png', PNG, 'image/png'), 403, 'customer.not_custodian');
  assertError(await upload(await signIn(h.srv, 'county02'), 'b.png', PNG, 'image/png'), 404, 'route.not_found');
  assertError(await P.get(`${C}/${X}/attachments/99999999`), 404, 'attachment.not_found');
  const rel = sqlValue(h.srv, `SELECT path FROM customer_attachments WHERE id = ${first.id}`);
  const del = await P.del(`${C}/${X}/attachments/${first.id}`);
  assert.equal(del.status, 204, del.text);
  assert.ok(!fs.existsSync(path.join(FILES, rel)), 'the file is gone');
  assert.equal(auditOf(h.srv, 'customer.attachment_deleted', X).length, 1);
  assert.equal((await admin.get(`${C}/${X}/attachments`)).status, 200, 'data scope all sees them');
});
