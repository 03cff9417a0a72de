// 客户导入 (CUS-12) in the browser: the menu entry, a CSV chosen in the upload box,
// the suggested column mapping, start, the progress bar and the summary with the
// counts and the error report link; without customers.import there is no menu entry.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, login } from './helpers.js'
import { apiSession, makeStaff } from './admin-fixtures.js'

let browser
let admin
before(async () => {
  browser = await launch()
  admin = await apiSession()
})
after(async () => {
  await admin?.close()
  await browser?.close()
})

test('CUS-12 upload a CSV, check the mapping, start, follow the progress, see the summary and the error report', async () => {
  const context = await pcContext(browser, { acceptDownloads: true })
  const page = await context.newPage()
  await login(page, 'admin', 'Demo@2026')
  await page.getByTestId('menu-customer-import').waitFor({ state: 'attached' })
  await page.goto(BASE + '/customers/import')
  await page.getByTestId('import-upload-step').waitFor()
  assert.match(await page.getByTestId('import-template-xlsx').getAttribute('href'), /template\.xlsx$/)

  const stem = String(Date.now() % 100000000).padStart(8, '0')
  const csv = '\uFEFF姓名,手机号码,客户来源,地址\n'
    + `页面导入一,168${stem},walk_in,云泽路 1 号\n`
    + `页面导入二,169${stem},网点到访,\n`
    + `页面导入重复,168${stem},walk_in,\n`
  await page.locator('input[type=file]')
    .setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByTestId('import-map-step').waitFor()
  assert.match(await page.getByTestId('import-file-summary').innerText(), /客户\.csv：3 行数据/)
  // the suggested mapping: the name column is chosen
  const table = await page.getByTestId('import-mapping').innerText()
  assert.match(table, /A · 姓名/)
  assert.match(table, /D · 地址/)
  assert.match(table, /页面导入一/)

  await page.getByTestId('import-start').click()
  await page.getByTestId('import-progress').waitFor()
  await page.getByTestId('import-summary').waitFor({ timeout: 30000 })
  assert.equal((await page.getByTestId('import-inserted').innerText()).replace(/\D+/g, ' ').trim().split(' ').pop(), '2')
  assert.equal((await page.getByTestId('import-skipped').innerText()).replace(/\D+/g, ' ').trim().split(' ').pop(), '1')
  const link = page.getByTestId('import-error-report')
  assert.match(await link.getAttribute('href'), /^\/api\/v1\/customer-imports\/\d+\/errors\.csv$/)
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
  const file = await download.path()
  const text = (await import('node:fs')).readFileSync(file, 'utf8')
  assert.match(text, /行号,列,字段,值,结果,原因/)
  assert.match(text, new RegExp(`^4,手机号码 \\(B\\),手机号码,168${stem},跳过,`, 'm'))
  await page.getByTestId('import-again').click()
  await page.getByTestId('import-upload-step').waitFor()
  await context.close()
})

test('CUS-12 a required field left unmapped is refused before the server is asked; no menu entry without the permission', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'admin', 'Demo@2026')
  await page.goto(BASE + '/customers/import')
  await page.locator('input[type=file]')
    .setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('名字,电话\n甲,16800000000\n') })
  await page.getByTestId('import-map-step').waitFor()
  await page.getByTestId('import-start').click()
  assert.match(await page.getByTestId('import-error').innerText(), /客户来源/)
  await context.close()

  const staff = await makeStaff(admin, { permissions: ['customers.view'], scope: 'self' })
  const c2 = await pcContext(browser)
  const p2 = await c2.newPage()
  await login(p2, staff.username, staff.password)
  await p2.getByTestId('menu-customer-query').waitFor({ state: 'attached' })
  assert.equal(await p2.getByTestId('menu-customer-import').count(), 0)
  await c2.close()
})

test('CUS-13 export the searched list from the 客户查询 toolbar: a watermarked CSV of exactly those customers', async () => {
  const context = await pcContext(browser, { acceptDownloads: true })
  const page = await context.newPage()
  try {
    await login(page)
    await page.goto(BASE + '/customers')
    await page.locator('[data-testid^="customer-name-"]').first().waitFor()
    const q = '张'
    const listed = (await admin.ok('GET', `/customers?q=${encodeURIComponent(q)}&size=100`)).items
    assert.ok(listed.length > 0, 'the demo has customers named 张…')
    await page.getByTestId('customers-q').fill(q)
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/api/v1/customers?') && r.url().includes('q=')),
      page.getByTestId('customers-search').click(),
    ])
    await page.getByTestId('customer-export-button').click()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('customer-export-csv').click()])
    const text = await streamText(await download.createReadStream())
    assert.match(text, /admin/, 'the watermark names the exporter')
    for (const c of listed) assert.ok(text.includes(c.customer_no), `${c.customer_no} is in the export`)
    const others = (await admin.ok('GET', '/customers?size=50')).items.filter((c) => !c.name.startsWith(q))
    for (const c of others) assert.ok(!text.includes(c.customer_no), `${c.customer_no} (${c.name}) is not`)
  } finally {
    await context.close()
  }
})

async function streamText(stream) {
  const chunks = []
  for await (const c of stream) chunks.push(c)
  return Buffer.concat(chunks).toString('utf8')
}
