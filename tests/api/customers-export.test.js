// CUS-13 customer export over HTTP, on both backends: only with customers.export;
// the same scope, filter, field security and masking as the list; watermarked with
// the exporter and the time; formula cells neutralised; audited with the row count
// and the filter; the XLSX is a real workbook (read back with tests/api/lib/zip.js).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useServer } from './lib/server.js';
import { signIn, auditOf, assertError, allPages } from './lib/org.js';
import { sqlRows, sqlValue } from './lib/sql.js';
import { readZip, xlsxRows } from './lib/zip.js';

let admin;
const h = useServer({
  before: (start) => before(async () => {
    await start();
    admin = await signIn(h.srv, 'admin');
  }),
  after, afterEach,
}, { customers: 400 });

const EXPORT = '/api/v1/customers/export';
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

// The CSV as rows of cells (BOM dropped; quoted cells unquoted).
function csvRows(res) {
  assert.ok(res.body.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
  const rows = [];
  for (const line of res.text.slice(1).split('\r\n').filter(Boolean)) {
    const cells = [];
    for (const m of line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)) {
      cells.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
    }
    rows.push(cells);
  }
  return rows;
}

test('CUS-13 export needs customers.export (403) and a session (401); a bad format is 422', async () => {
  const cm = await signIn(h.srv, 'cm00001');
  assertError(await cm.get(`${EXPORT}?format=csv`), 403, 'auth.forbidden');
  assert.equal((await h.srv.request('GET', `${EXPORT}?format=csv`)).status, 401);
  assertError(await admin.get(`${EXPORT}?format=pdf`), 422, 'export.format_invalid', 'format');
});

test('CUS-13 CSV: watermark line, header, every row of the list in its order, audited with rows and filter', async () => {
  const res = await admin.get(`${EXPORT}?format=csv`);
  assert.equal(res.status, 200, res.text);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  assert.match(String(res.headers['content-disposition']), /^attachment; .*filename\*=UTF-8''.*\.csv$/);
  const rows = csvRows(res);
  const total = Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM customers'));
  assert.match(rows[0][0], /^导出人：系统管理员（admin） {2}导出时间：\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}共 \d+ 行/);
  assert.ok(rows[0][0].includes(`共 ${total} 行`));
  assert.deepEqual(rows[1].slice(0, 3), ['客户号', '姓名/名称', '客户类型']);
  assert.equal(rows.length - 2, total);
  const list = await allPages(admin, '/api/v1/customers');
  assert.deepEqual(rows.slice(2).map((r) => r[0]), list.map((c) => c.customer_no));
  const audit = auditOf(h.srv, 'customer.exported').at(-1);
  assert.equal(audit.username, 'admin');
  assert.deepEqual(audit.detail, { format: 'csv', rows: total, filter: {} });

  const some = list[3];
  const q = await admin.get(`${EXPORT}?format=csv&q=${encodeURIComponent(some.customer_no)}`);
  const qrows = csvRows(q);
  assert.equal(qrows.length, 3);
  assert.equal(qrows[2][0], some.customer_no);
  assert.deepEqual(auditOf(h.srv, 'customer.exported').at(-1).detail, { format: 'csv', rows: 1, filter: { q: some.customer_no } });
  const en = await admin.get(`${EXPORT}?format=csv&q=${some.customer_no}`, { 'Accept-Language': 'en' });
  assert.match(csvRows(en)[0][0], /^Exported by 系统管理员 \(admin\) at /);
});

test('CUS-13 the scope and masking of the list: county01 exports its county, phones and IDs masked as in its list', async () => {
  const county = await signIn(h.srv, 'county01');
  const res = await county.get(`${EXPORT}?format=csv`);
  assert.equal(res.status, 200, res.text);
  const rows = csvRows(res);
  const head = rows[1];
  const list = await allPages(county, '/api/v1/customers');
  assert.ok(list.length > 0 && list.length < Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM customers')));
  assert.equal(rows.length - 2, list.length);
  const mi = head.indexOf('手机号码'), ii = head.indexOf('证件号码');
  assert.ok(mi > 0 && ii > 0);
  let masked = 0;
  rows.slice(2).forEach((r, k) => {
    assert.equal(r[0], list[k].customer_no);
    assert.equal(r[mi], list[k].mobile, 'the phone as the list shows it');
    assert.equal(r[ii], list[k].id_number ?? '');
    if (/\*{4}/.test(r[mi])) masked++;
  });
  assert.ok(masked > 0, 'non-custodian rows are masked');
  assert.ok(rows.slice(2).every((r) => !/^1\d{10}$/.test(r[mi]) || list.find((c) => c.customer_no === r[0]).custodian));
});

test('CUS-13 hidden fields are left out; the custodian sees clear values', async () => {
  await grant('custodian', 'customers.export');
  sqlRows(h.srv, `INSERT INTO field_rules (role_id, field, access, masking) SELECT id, 'address', 'hidden', 'none'
    FROM roles WHERE code = 'custodian'`);
  const cm = await signIn(h.srv, 'cm00001');
  const res = await cm.get(`${EXPORT}?format=csv`);
  assert.equal(res.status, 200, res.text);
  const rows = csvRows(res);
  assert.ok(!rows[1].includes('地址'), `columns: ${rows[1]}`);
  assert.ok(rows[1].includes('手机号码'));
  const own = Number(sqlValue(h.srv, "SELECT COUNT(*) FROM customers WHERE manager_id = (SELECT id FROM users WHERE username = 'cm00001')"));
  assert.equal(rows.length - 2, own);
  const mi = rows[1].indexOf('手机号码');
  assert.ok(rows.slice(2).every((r) => /^1\d{10}$/.test(r[mi])), 'the custodian sees the clear phone');
});

test('CUS-13 cells that could start a formula get an apostrophe, in CSV and XLSX', async () => {
  const [id, no] = sqlRows(h.srv, 'SELECT id, customer_no FROM customers ORDER BY id LIMIT 1')[0];
  sqlRows(h.srv, `UPDATE customers SET name = '=HYPERLINK("http://x","y")', address = '@SUM(1,2)' WHERE id = ${id}`);
  const rows = csvRows(await admin.get(`${EXPORT}?format=csv&q=${no}`));
  const head = rows[1];
  assert.equal(rows[2][head.indexOf('姓名/名称')], '\'=HYPERLINK("http://x","y")');
  assert.equal(rows[2][head.indexOf('地址')], "'@SUM(1,2)");
  const x = await admin.get(`${EXPORT}?format=xlsx&q=${no}`);
  const xr = xlsxRows(x.body);
  assert.equal(xr[2][xr[1].indexOf('姓名/名称')], '\'=HYPERLINK("http://x","y")');
  assert.equal(xr[2][xr[1].indexOf('地址')], "'@SUM(1,2)");
  const sheet = readZip(x.body).get('xl/worksheets/sheet1.xml').toString('utf8');
  assert.ok(!/<f>/.test(sheet), 'no formula cell in the workbook');
});

test('CUS-13 XLSX: a workbook with the watermark row and page header, the header row and every row', async () => {
  const res = await admin.get(`${EXPORT}?format=xlsx`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type'], XLSX_TYPE);
  assert.match(String(res.headers['content-disposition']), /\.xlsx$/);
  const files = readZip(res.body);
  assert.ok(files.has('xl/workbook.xml') && files.has('[Content_Types].xml'));
  const rows = xlsxRows(res.body);
  const total = Number(sqlValue(h.srv, 'SELECT COUNT(*) FROM customers'));
  assert.match(rows[0][0], /^导出人：系统管理员（admin）/);
  assert.equal(rows[1][0], '客户号');
  assert.equal(rows.length - 2, total);
  const sheet = files.get('xl/worksheets/sheet1.xml').toString('utf8');
  assert.match(sheet, /<oddHeader>&amp;L系统管理员&amp;R\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/oddHeader>/);
  assert.match(sheet, /<oddFooter>.*内部资料/);
  const audit = auditOf(h.srv, 'customer.exported').at(-1);
  assert.deepEqual(audit.detail, { format: 'xlsx', rows: total, filter: {} });
});
