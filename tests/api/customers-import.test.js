// CUS-12 customer import over HTTP, on both backends: templates; upload (CSV in
// UTF-8, GBK; XLSX made by LibreOffice from a CSV) answering the header, a preview
// and the suggested mapping; the rules (required phone and source, configured
// sources, existing tags, resident ID check, formula cells refused, +86 phones
// normalised); duplicate phones inside the file and against the database; skip vs
// update per match key; the error report; permission and scope; every bad file kind
// refused with a clear error; and the crash guarantee: kill -9 in the middle of an
// import, restart, and every row is there exactly once.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { useServer, request, freePort, BIN, REPO, SESSION_COOKIE } from './lib/server.js';
import { signIn, auditOf, assertError, assertSchema, memo } from './lib/org.js';
import { sqlRows, sqlValue } from './lib/sql.js';
import { makeZip } from './lib/zip.js';

let admin;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
  }),
  after, afterEach,
}, { customers: 200 });

const IMPORTS = '/api/v1/customer-imports';
// Gives a built-in role one more permission through the role editor (keeps perm_list sorted).
async function grant(roleCode, perm) {
  const roles = await admin.get('/api/v1/roles');
  assert.equal(roles.status, 200, roles.text);
  const list = roles.json.items || roles.json;
  const role = list.find((r) => r.code === roleCode);
  if (role.permissions.includes(perm)) return;
  const res = await admin.put(`/api/v1/roles/${role.id}`, { name: role.name, description: role.description,
    data_scope: role.data_scope, permissions: [...role.permissions, perm] });
  assert.equal(res.status, 200, res.text);
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const userId = memo((u) => Number(sqlValue(h.srv, `SELECT id FROM users WHERE username = '${u}'`)));

// A resident ID with a valid GB 11643 check character.
function residentId(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body17 + '10X98765432'[sum % 11];
}

const csv = (rows) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
  .join('\r\n') + '\r\n';

async function upload(c, body, { filename = 'customers.csv', type = 'text/csv' } = {}) {
  return h.srv.request('POST', `${IMPORTS}?filename=${encodeURIComponent(filename)}`, {
    cookie: c.cookie, csrf: c.csrf, raw: body, headers: { 'Content-Type': type },
  });
}

async function waitDone(c, id, base) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const res = base ? await request(base, 'GET', `${IMPORTS}/${id}`, { cookie: c.cookie })
      : await c.get(`${IMPORTS}/${id}`);
    assert.equal(res.status, 200, res.text);
    if (res.json.state !== 'running') return res.json;
    assert.ok(Date.now() < deadline, `import ${id} still running: ${res.text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Upload, start with the suggested mapping (plus options), wait for the end.
async function importFile(c, body, options = {}, uploadOpts = {}) {
  const up = await upload(c, body, uploadOpts);
  assert.equal(up.status, 201, up.text);
  const st = await c.post(`${IMPORTS}/${up.json.id}/start`, { mapping: up.json.mapping, ...options });
  assert.equal(st.status, 202, st.text);
  return { up: up.json, done: await waitDone(c, up.json.id) };
}

// The error report as rows of cells (BOM dropped).
async function report(c, id) {
  const res = await c.get(`${IMPORTS}/${id}/errors.csv`);
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  assert.ok(res.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
  const text = res.text.slice(1);
  const rows = [];
  for (const line of text.split('\r\n').filter(Boolean)) {
    const cells = [];
    for (const m of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) cells.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    rows.push(cells);
  }
  return rows;
}

const customerByPhone = (phone) => sqlRows(h.srv, `SELECT name, source, manager_id, id_number, gender, birth_date,
  kind, created_by, customer_no, unit_id FROM customers WHERE mobile = '${phone}'`);

test('CUS-12 templates: CSV (UTF-8 BOM) and XLSX with every importable field, required ones marked', async () => {
  const c = await admin.get(`${IMPORTS}/template.csv`);
  assert.equal(c.status, 200, c.text);
  assert.match(String(c.headers['content-type']), /^text\/csv/);
  assert.match(String(c.headers['content-disposition']), /^attachment; filename=.*filename\*=UTF-8''/);
  const header = c.text.replace(/^\uFEFF/, '').trim().split(',');
  assert.deepEqual(header.slice(0, 4), ['客户号', '姓名*', '客户类型', '手机号码*']);
  assert.ok(header.includes('客户来源*') && header.includes('标签'));
  const en = await admin.get(`${IMPORTS}/template.csv`, { 'Accept-Language': 'en' });
  assert.ok(en.text.includes('Mobile phone*'));

  const x = await admin.get(`${IMPORTS}/template.xlsx`);
  assert.equal(x.status, 200);
  assert.equal(x.headers['content-type'], XLSX_TYPE);
  assert.equal(x.body.subarray(0, 2).toString(), 'PK');
  // the server reads its own template back: the header maps every field
  const up = await upload(admin, x.body, { filename: 'template.xlsx', type: XLSX_TYPE });
  assertError(up, 422, 'import.no_data');
});

test('CUS-12 upload answers the header, a preview and the suggested mapping; nothing is imported yet', async () => {
  const body = csv([['手机', '客户姓名', '来源', '身份证号', 'Tags', '备注'],
    ['16600000001', '张一', 'walk_in', '', '', 'x'], ['16600000002', '张二', 'walk_in', '', '', '']]);
  const up = await upload(admin, body);
  assert.equal(up.status, 201, up.text);
  assertSchema('POST', '/api/v1/customer-imports', up);
  assert.equal(up.json.format, 'csv');
  assert.equal(up.json.filename, 'customers.csv');
  assert.equal(up.json.total_rows, 2);
  assert.deepEqual(up.json.header, ['手机', '客户姓名', '来源', '身份证号', 'Tags', '备注']);
  assert.deepEqual(up.json.preview[0], { row: 2, cells: ['16600000001', '张一', 'walk_in', '', '', 'x'] });
  assert.deepEqual(up.json.mapping, { mobile: 0, name: 1, source: 2, id_number: 3, tags: 4 });
  assert.equal(up.json.fields.find((f) => f.field === 'mobile').required, true);
  const st = await admin.get(`${IMPORTS}/${up.json.id}`);
  assert.equal(st.json.state, 'uploaded');
  assertSchema('GET', '/api/v1/customer-imports/{id}', st);
  assert.equal(customerByPhone('16600000001').length, 0);
});

test('CUS-12 import: rules, normalising, dedupe inside the file, error report with row, column, value and reason', async () => {
  const id1 = residentId('11010519900307123');
  const tagGroup = Number(sqlValue(h.srv, "INSERT INTO tag_groups (name, multi, sort, created_at) VALUES ('导入测试组', 1, 0, 1) RETURNING id"));
  sqlRows(h.srv, `INSERT INTO tags (group_id, name, created_at) VALUES (${tagGroup}, '导入VIP', 1), (${tagGroup}, '导入代发', 1)`);
  const rows = [
    ['姓名', '手机号码', '客户来源', '证件号码', '标签', '地址'],
    ['甲一', '16610000001', 'walk_in', id1, '导入VIP、导入代发', '云泽路 1 号'],   // 2 ok, tags, id → birth/gender
    ['甲二', '+86 166-1000-0002', '网点到访', '', '', ''],                        // 3 ok: +86 and source by name
    ['甲三', '16610000001', 'walk_in', '', '', ''],                               // 4 duplicate of row 2
    ['=cmd|\' /C calc\'!A0', '16610000004', 'walk_in', '', '', ''],               // 5 formula
    ['甲五', '16610000005', 'nowhere', '', '', ''],                                // 6 unknown source
    ['甲六', '', 'walk_in', '', '', ''],                                          // 7 no phone
    ['甲七', '12345', 'walk_in', '', '', ''],                                     // 8 bad phone
    ['甲八', '16610000008', 'walk_in', '110105199003071230', '', ''],             // 9 bad check digit
    ['甲九', '16610000009', 'walk_in', '', '没有这个标签', ''],                    // 10 unknown tag
    ['', '', '', '', '', ''],                                                     // 11 blank: ignored
    ['甲十', '16610000010', 'walk_in', '', '', '@SUM(A1)'],                        // 12 formula in address
  ];
  const { up, done } = await importFile(admin, csv(rows));
  assert.equal(up.total_rows, 10);
  assert.deepEqual({ state: done.state, processed: done.processed, inserted: done.inserted, updated: done.updated,
    skipped: done.skipped, failed: done.failed }, { state: 'done', processed: 10, inserted: 2, updated: 0, skipped: 1, failed: 7 });

  const [a] = customerByPhone('16610000001');
  assert.equal(a[0], '甲一');
  assert.equal(a[1], 'walk_in');
  assert.equal(Number(a[2]), userId('admin'), 'target me: the importer is the custodian');
  assert.deepEqual([a[3], a[4], a[5], a[6]], [id1, 'M', '1990-03-07', 'individual']);
  assert.match(a[8], /^C\d{12}$/, 'a customer number is assigned');
  const tagNames = sqlRows(h.srv, `SELECT t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id JOIN customers c
    ON c.id = ct.customer_id WHERE c.mobile = '16610000001' ORDER BY t.name`).map((r) => r[0]);
  assert.deepEqual(tagNames, ['导入VIP', '导入代发'].sort());
  assert.equal(customerByPhone('16610000002')[0][1], 'walk_in', 'source given by its name is stored as its code');

  const rep = await report(admin, up.id);
  assert.deepEqual(rep[0], ['行号', '列', '字段', '值', '结果', '原因']);
  const byRow = Object.fromEntries(rep.slice(1).map((r) => [r[0], r]));
  assert.deepEqual(Object.keys(byRow).sort((x, y) => x - y), ['4', '5', '6', '7', '8', '9', '10', '12']);
  assert.deepEqual(byRow[4].slice(1, 5), ['手机号码 (B)', '手机号码', '16610000001', '跳过']);
  assert.match(byRow[4][5], /第 2 行/);
  assert.equal(byRow[5][3], "'=cmd|' /C calc'!A0", 'the formula is neutralised in the report too');
  assert.match(byRow[5][5], /公式/);
  assert.match(byRow[6][5], /客户来源/);
  assert.match(byRow[7][5], /必填/);
  assert.match(byRow[8][5], /手机号码格式/);
  assert.match(byRow[9][5], /证件号码/);
  assert.deepEqual(byRow[10].slice(2, 4), ['标签', '没有这个标签']);
  assert.equal(byRow[12][1], '地址 (F)');

  // AUTH-7: one audit entry with the counts
  const audit = auditOf(h.srv, 'customer.imported', up.id);
  assert.equal(audit.length, 1);
  assert.equal(audit[0].username, 'admin');
  assert.deepEqual(audit[0].detail, { state: 'done', file: 'csv', rows: 10, processed: 10, inserted: 2, updated: 0,
    skipped: 1, failed: 7 });
  // the uploaded bytes are not kept once done
  assert.equal(sqlValue(h.srv, `SELECT COUNT(*) FROM customer_import_files WHERE import_id = ${up.id}`), '0');
});

test('CUS-12 against the database: skip or update by phone, ID number or customer number', async () => {
  const id1 = residentId('44010219850101002');
  await importFile(admin, csv([['姓名', '手机号码', '客户来源', '证件号码', '客户号'],
    ['乙一', '16620000001', 'walk_in', id1, 'IMPTEST0001'], ['乙二', '16620000002', 'walk_in', '', '']]));

  // by phone, skip: both exist → skipped and reported
  let r = await importFile(admin, csv([['姓名', '手机号码', '客户来源'], ['乙一改', '16620000001', 'walk_in'],
    ['乙三', '16620000003', 'walk_in']]), { match: 'phone', on_match: 'skip' });
  assert.deepEqual([r.done.inserted, r.done.updated, r.done.skipped], [1, 0, 1]);
  assert.match((await report(admin, r.up.id))[1][5], /已存在/);
  assert.equal(customerByPhone('16620000001')[0][0], '乙一');

  // by phone, update: the row's non-empty cells replace
  r = await importFile(admin, csv([['姓名', '手机号码', '客户来源', '地址'], ['乙一改', '16620000001', 'referral', '']]),
    { match: 'phone', on_match: 'update' });
  assert.deepEqual([r.done.inserted, r.done.updated], [0, 1]);
  assert.deepEqual(customerByPhone('16620000001')[0].slice(0, 2), ['乙一改', 'referral']);
  assert.equal(customerByPhone('16620000001')[0][3], id1, 'an empty cell keeps the stored value');

  // by ID number, update: a new phone for the same person
  r = await importFile(admin, csv([['姓名', '手机号码', '客户来源', '证件号码'], ['乙一再改', '16620000009', 'walk_in', id1]]),
    { match: 'id_number', on_match: 'update' });
  assert.deepEqual([r.done.inserted, r.done.updated], [0, 1]);
  assert.equal(customerByPhone('16620000009')[0][0], '乙一再改');

  // by ID number: a new person whose phone belongs to someone else is skipped
  r = await importFile(admin, csv([['姓名', '手机号码', '客户来源', '证件号码'],
    ['丙', '16620000002', 'walk_in', residentId('44010219850101003')]]), { match: 'id_number', on_match: 'update' });
  assert.deepEqual([r.done.inserted, r.done.skipped], [0, 1]);
  assert.match((await report(admin, r.up.id))[1][5], /其他客户/);

  // by customer number, skip
  r = await importFile(admin, csv([['客户号', '姓名', '手机号码', '客户来源'], ['IMPTEST0001', '丁', '16620000011', 'walk_in']]),
    { match: 'customer_no', on_match: 'skip' });
  assert.deepEqual([r.done.inserted, r.done.skipped], [0, 1]);
  // matching by a field that is not mapped is refused
  const up = await upload(admin, csv([['姓名', '手机号码', '客户来源'], ['戊', '16620000012', 'walk_in']]));
  assertError(await admin.post(`${IMPORTS}/${up.json.id}/start`, { mapping: up.json.mapping, match: 'customer_no' }),
    422, 'import.mapping_required', 'customer_no');
});

test('CUS-12 a GBK CSV from old Excel is decoded; a semicolon CSV with BOM too', async () => {
  const utf8 = csv([['姓名', '手机号码', '客户来源'], ['国标一', '16630000001', '网点到访']]);
  const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: utf8 });
  assert.ok(!gbk.equals(Buffer.from(utf8)));
  const r = await importFile(admin, gbk);
  assert.deepEqual(r.up.header, ['姓名', '手机号码', '客户来源']);
  assert.equal(r.done.inserted, 1);
  assert.equal(customerByPhone('16630000001')[0][0], '国标一');
  // CUS-8: an imported name is found by its pinyin initials
  const found = await admin.get('/api/v1/customers?q=gby&size=100');
  assert.ok(found.json.items.some((c) => c.name === '国标一'), 'found by initials');
  const semi = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('姓名;手机号码;客户来源\n国标二;16630000002;walk_in\n')]);
  assert.equal((await importFile(admin, semi)).done.inserted, 1);
});

test('CUS-12 an XLSX made by LibreOffice from a CSV imports (numbers, shared strings)', async (t) => {
  const soffice = ['/usr/bin/soffice', '/usr/bin/libreoffice'].find((p) => fs.existsSync(p));
  assert.ok(soffice, 'LibreOffice is missing: make deps-test installs libreoffice-calc-nogui');
  const dir = fs.mkdtempSync(path.join(h.srv.tmp, 'lo-'));
  const src = path.join(dir, 'customers.csv');
  fs.writeFileSync(src, csv([['姓名', '手机号码', '客户来源', '性别', '出生日期'],
    ['表格一', '16640000001', 'walk_in', '男', '1988-02-03'], ['表格二', '16640000002', '客户转介', '女', ''],
    ['表格一', '16640000001', 'walk_in', '', '']]));
  const r = spawnSync(soffice, ['--headless', '--norestore', `-env:UserInstallation=file://${dir}/profile`,
    '--infilter=CSV:44,34,76,1', '--convert-to', 'xlsx', '--outdir', dir, src],
  { encoding: 'utf8', timeout: 120000, env: { ...process.env, HOME: dir } });
  const xlsx = path.join(dir, 'customers.xlsx');
  assert.ok(fs.existsSync(xlsx), `soffice did not convert: ${r.stdout}\n${r.stderr}`);
  const { up, done } = await importFile(admin, fs.readFileSync(xlsx), {}, { filename: 'customers.xlsx', type: XLSX_TYPE });
  assert.equal(up.format, 'xlsx');
  assert.deepEqual(up.header, ['姓名', '手机号码', '客户来源', '性别', '出生日期']);
  assert.deepEqual([done.inserted, done.skipped, done.failed], [2, 1, 0]);
  const [one] = customerByPhone('16640000001');
  assert.deepEqual([one[0], one[4], one[5]], ['表格一', 'M', '1988-02-03']);
  assert.equal(customerByPhone('16640000002')[0][1], 'referral');
  t.diagnostic(`LibreOffice file: ${fs.statSync(xlsx).size} bytes`);
});

test('CUS-12 bad files get clear errors: empty, header only, binary, not UTF-8/GBK, .xls, damaged zip, DTD, zip bomb, too large', async () => {
  assertError(await upload(admin, ''), 422, 'import.file_empty');
  assertError(await upload(admin, '\n\n  \n'), 422, 'import.file_empty');
  assertError(await upload(admin, '姓名,手机号码,客户来源\n'), 422, 'import.no_data');
  const garbage = Buffer.alloc(4096);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 256;
  assertError(await upload(admin, garbage, { type: 'application/octet-stream' }), 415, 'import.file_format');
  assertError(await upload(admin, Buffer.from([0x61, 0x2c, 0x80, 0xff, 0x0a, 0x81, 0x82, 0xfe, 0x0a])), 422, 'import.encoding');
  const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
  assertError(await upload(admin, ole, { filename: 'old.xls' }), 415, 'import.file_format');
  assertError(await upload(admin, Buffer.from('PK\x03\x04 this is not really a zip'), { type: XLSX_TYPE }), 422,
    'import.xlsx_broken');
  const wb = '<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>';
  assertError(await upload(admin, makeZip([{ name: 'xl/workbook.xml', data: wb }]), { type: XLSX_TYPE }), 422,
    'import.xlsx_broken');
  const laughs = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    + '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>';
  assertError(await upload(admin, makeZip([{ name: 'xl/workbook.xml', data: wb },
    { name: 'xl/worksheets/sheet1.xml', data: laughs }]), { type: XLSX_TYPE }), 422, 'import.xlsx_dtd');
  // a zip bomb: 300 MB of spaces packed into a few hundred KB
  const chunk = Buffer.alloc(1 << 20, 0x20);
  const z = zlib.createDeflateRaw({ level: 9 });
  const parts = [];
  z.on('data', (d) => parts.push(d));
  const ended = new Promise((r) => z.on('end', r));
  for (let i = 0; i < 300; i++) z.write(chunk);
  z.end();
  await ended;
  const bomb = makeZip([{ name: 'xl/workbook.xml', data: wb },
    { name: 'xl/worksheets/sheet1.xml', deflated: Buffer.concat(parts), size: 300 << 20 }]);
  assert.ok(bomb.length < 2 << 20, `bomb is ${bomb.length} bytes`);
  assertError(await upload(admin, bomb, { type: XLSX_TYPE }), 422, 'import.xlsx_too_big');
  // over 20 MB: refused as it arrives
  const big = Buffer.alloc((20 << 20) + 1024, 0x61);
  const res = await upload(admin, big);
  assert.equal(res.status, 413, res.text);
  // a cell too long names the row
  assertError(await upload(admin, `a,b\n1,${'x'.repeat(7000)}\n`), 422, 'import.cell_too_long', 'row:2');
  assert.ok(fs.readFileSync(h.srv.logFile, 'utf8').length > 0);
});

test('CUS-12 permission, ownership, start rules and the target inside the scope', async () => {
  const cm = await signIn(h.srv, 'cm00001');
  assertError(await cm.get(`${IMPORTS}/template.csv`), 403, 'auth.forbidden');
  assertError(await upload(cm, csv([['a'], ['b']])), 403, 'auth.forbidden');
  const csrfLess = await h.srv.request('POST', IMPORTS, { cookie: admin.cookie, raw: 'a\nb\n', headers: { 'Content-Type': 'text/csv' } });
  assertError(csrfLess, 403, 'auth.csrf_failed');
  assert.equal((await h.srv.request('GET', `${IMPORTS}/1`)).status, 401);

  const body = csv([['姓名', '手机号码', '客户来源'], ['己一', '16650000001', 'walk_in']]);
  const up = await upload(admin, body);
  const id = up.json.id;
  // another user with the permission does not see it
  await grant('county_manager', 'customers.import');
  const county2 = await signIn(h.srv, 'county01');
  assertError(await county2.get(`${IMPORTS}/${id}`), 404, 'import.not_found');

  const start = (b) => admin.post(`${IMPORTS}/${id}/start`, b);
  assertError(await start({ mapping: { name: 0, mobile: 1 } }), 422, 'import.mapping_required', 'source');
  assertError(await start({ mapping: { name: 0, mobile: 1, source: 7 } }), 422, 'import.mapping_invalid', 'mapping.source');
  assertError(await start({ mapping: { name: 0, mobile: 0, source: 2 } }), 422, 'import.mapping_invalid', 'mapping.mobile');
  assertError(await start({ mapping: { nope: 0, name: 0, mobile: 1, source: 2 } }), 422, 'import.mapping_invalid');
  assertError(await start({ mapping: up.json.mapping, match: 'email' }), 422, 'import.match_invalid', 'match');
  assertError(await start({ mapping: up.json.mapping, on_match: 'merge' }), 422, 'import.match_invalid', 'on_match');
  assertError(await start({ mapping: up.json.mapping, target: 'pool' }), 422, 'import.target_invalid', 'target');
  assertError(await start({ mapping: up.json.mapping, target: 'user' }), 422, 'request.field_required', 'target_user');

  // county01 (subtree scope) imports to a user outside its county: refused; inside: the custodian
  const outside = sqlValue(h.srv, `SELECT u.id FROM users u JOIN org_units o ON o.id = u.unit_id
    WHERE o.path NOT LIKE (SELECT path FROM org_units WHERE id = ${Number(sqlValue(h.srv, "SELECT unit_id FROM users WHERE username = 'county01'"))}) || '%' LIMIT 1`);
  const up2 = await upload(county2, csv([['姓名', '手机号码', '客户来源'], ['己二', '16650000002', 'walk_in']]));
  assert.equal(up2.status, 201, up2.text);
  assertError(await county2.post(`${IMPORTS}/${up2.json.id}/start`, { mapping: up2.json.mapping, target: 'user',
    target_user: Number(outside) }), 403, 'import.target_out_of_scope', 'target_user');
  const st = await county2.post(`${IMPORTS}/${up2.json.id}/start`, { mapping: up2.json.mapping, target: 'user',
    target_user: userId('cm00001') });
  assert.equal(st.status, 202, st.text);
  assertSchema('POST', '/api/v1/customer-imports/{id}/start', st);
  const done = await waitDone(county2, up2.json.id);
  assert.equal(done.inserted, 1);
  assert.equal(Number(customerByPhone('16650000002')[0][2]), userId('cm00001'));
  assertError(await county2.post(`${IMPORTS}/${up2.json.id}/start`, { mapping: up2.json.mapping }), 409, 'import.state');

  // target unit: the importer's unit, unassigned
  const up3 = await upload(admin, csv([['姓名', '手机号码', '客户来源'], ['己三', '16650000003', 'walk_in']]));
  const st3 = await admin.post(`${IMPORTS}/${up3.json.id}/start`, { mapping: up3.json.mapping, target: 'unit' });
  assert.equal(st3.status, 202, st3.text);
  await waitDone(admin, up3.json.id);
  const [u] = customerByPhone('16650000003');
  assert.equal(u[2], '', 'no custodian');
  assert.equal(Number(u[9]), Number(sqlValue(h.srv, "SELECT unit_id FROM users WHERE username = 'admin'")));
});

// ---- kill -9 in the middle: resume from the last committed batch ----------------------

function startServerOn(dbUrl, port, env, logFile) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(BIN, ['serve', '--db', dbUrl, '--listen', `127.0.0.1:${port}`, '--login-ip-limit', '10000',
    '--login-user-limit', '10000'], { cwd: REPO, stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  fs.closeSync(fd);
  return child;
}

async function healthy(base) {
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline) {
    try {
      if ((await request(base, 'GET', '/healthz', { timeout: 1000 })).status === 200) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no server at ${base}`);
}

test('CUS-12 kill -9 during an import: after a restart it resumes from the last committed batch, no row lost or doubled', async () => {
  const N = 3000;
  const rows = [['姓名', '手机号码', '客户来源']];
  for (let i = 0; i < N; i++) rows.push([`断点${i}`, `1770${String(i).padStart(7, '0')}`, 'walk_in']);
  rows.push(['断点重复', '17700000007', 'walk_in']); // one duplicate at the end: skipped, even after the restart
  const log = path.join(h.srv.tmp, 'kill9.log');
  // a server of its own on the same database, with small batches that pause before they commit
  let port = await freePort();
  let base = `http://127.0.0.1:${port}`;
  let child = startServerOn(h.srv.dbUrl, port, { FINCRM_IMPORT_BATCH: '100', FINCRM_IMPORT_PAUSE_MS: '150' }, log);
  try {
    await healthy(base);
    const login = await request(base, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'Demo@2026' } });
    const c = { cookie: login.cookies[SESSION_COOKIE].value, csrf: login.json.csrf_token };
    const up = await request(base, 'POST', IMPORTS, { cookie: c.cookie, csrf: c.csrf, raw: csv(rows), headers: { 'Content-Type': 'text/csv' } });
    assert.equal(up.status, 201, up.text);
    const id = up.json.id;
    const st = await request(base, 'POST', `${IMPORTS}/${id}/start`, { cookie: c.cookie, csrf: c.csrf, body: { mapping: up.json.mapping } });
    assert.equal(st.status, 202, st.text);
    // wait until some batches are committed, then kill -9 (most likely inside a batch's transaction)
    let seen;
    for (;;) {
      seen = (await request(base, 'GET', `${IMPORTS}/${id}`, { cookie: c.cookie })).json;
      if (seen.processed >= 500) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    await new Promise((r) => setTimeout(r, 75));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const atKill = Number(sqlValue(h.srv, `SELECT processed FROM customer_imports WHERE id = ${id}`));
    assert.ok(atKill > 0 && atKill < N, `killed mid-way (processed ${atKill})`);
    assert.equal(atKill % 100, 0, 'only whole batches are committed');
    assert.equal(Number(sqlValue(h.srv, "SELECT COUNT(*) FROM customers WHERE mobile LIKE '1770%'")), atKill,
      'the customers of the committed batches are there, none of the batch in flight');

    // restart: the import resumes by itself
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = startServerOn(h.srv.dbUrl, port, {}, log);
    await healthy(base);
    const login2 = await request(base, 'POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'Demo@2026' } });
    const done = await waitDone({ cookie: login2.cookies[SESSION_COOKIE].value }, id, base);
    assert.deepEqual([done.state, done.processed, done.inserted, done.skipped, done.failed], ['done', N + 1, N, 1, 0]);
    const counts = sqlRows(h.srv, "SELECT mobile, COUNT(*) FROM customers WHERE mobile LIKE '1770%' GROUP BY mobile HAVING COUNT(*) > 1");
    assert.deepEqual(counts, [], 'no phone twice');
    assert.equal(Number(sqlValue(h.srv, "SELECT COUNT(*) FROM customers WHERE mobile LIKE '1770%'")), N, 'every row there');
    assert.equal(Number(sqlValue(h.srv, `SELECT COUNT(*) FROM customer_import_errors WHERE import_id = ${id}`)), 1);
    assert.equal(auditOf(h.srv, 'customer.imported', id).length, 1);
    assert.match(fs.readFileSync(log, 'utf8'), /resuming after its last committed batch/);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
});

test('CUS-12 CUS-15 an imported customer whose ID is on the black list is flagged, new or updated', async () => {
  const listed = residentId('11010119700101931');
  const later = residentId('11010119700101932');
  const add = (id_number, name) => admin.post('/api/v1/watchlist',
    { list: 'black', id_type: 'resident_id', id_number, name, reason: '导入测试' });
  assert.equal((await add(listed, '名单甲')).status, 201);
  assert.equal(sqlValue(h.srv, "SELECT COUNT(*) FROM customers WHERE mobile IN ('16648880001', '16648880002')"), '0');
  let r = await importFile(admin, csv([['姓名', '手机号码', '客户来源', '证件号码'],
    ['名单甲', '16648880001', 'walk_in', listed], ['名单乙', '16648880002', 'walk_in', '']]));
  assert.equal(r.done.inserted, 2, JSON.stringify([r.done, await report(admin, r.up.id)]));
  const flag = (phone) => sqlValue(h.srv, `SELECT COALESCE(watch_list, 'none') FROM customers WHERE mobile = '${phone}'`);
  assert.equal(flag('16648880001'), 'black');
  assert.equal(flag('16648880002'), 'none');
  // an update by phone that brings a listed ID flags the existing customer
  assert.equal((await add(later, '名单乙')).status, 201);
  r = await importFile(admin, csv([['姓名', '手机号码', '客户来源', '证件号码'], ['名单乙', '16648880002', 'walk_in', later]]),
    { match: 'phone', on_match: 'update' });
  assert.equal(r.done.updated, 1, JSON.stringify(r.done));
  assert.equal(flag('16648880002'), 'black');
});
