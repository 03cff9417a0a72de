// 客户查询 (CUS-8, CUS-9) in the browser: on PC a search by pinyin initials lists the
// customers the API finds, a filter narrows the list, the column chooser hides and
// orders columns (and the choice is kept); on the phone the search box and the quick
// filter chips work and a tap opens the customer.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, phoneContext, login } from './helpers.js'
import { apiSession } from './admin-fixtures.js'

let browser
before(async () => {
  browser = await launch()
})
after(async () => {
  await browser?.close()
})

// GET through the page's own session
const api = (page, path) => page.evaluate(async (p) => (await fetch('/api/v1' + p)).json(), path)

async function listed(page) {
  return page.locator('[data-testid^="customer-name-"]').allInnerTexts()
}

test('CUS-8 PC: search by pinyin initials, then a filter narrows the list', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'admin')
  await page.goto(BASE + '/customers')
  await page.locator('[data-testid^="customer-name-"]').first().waitFor()
  const want = await api(page, '/customers?q=zs&size=20&cols=status')
  assert.ok(want.items.length > 0, 'the demo has customers with initials zs')

  const input = page.getByTestId('customers-q')
  await input.fill('zs')
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/customers?') && r.url().includes('q=zs')),
    input.press('Enter'),
  ])
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="customer-name-"]').length === n,
    want.items.length)
  assert.deepEqual(await listed(page), want.items.map((c) => c.name))

  // a quick filter chip, then the filter builder: status = potential
  await page.getByTestId('customers-filter-toggle').click()
  await page.getByTestId('filter-status').locator('.el-select').click()
  await page.locator('.el-select-dropdown__item').getByText('潜在客户', { exact: true }).click()
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('status=potential')),
    page.getByTestId('filter-apply').click(),
  ])
  const body = await res.json()
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="customer-name-"]').length === n,
    body.items.length)
  for (const c of body.items) assert.equal(c.status, 'potential')
  // the navigation contract for the 360° view
  const nav = JSON.parse(await page.evaluate(() => sessionStorage.getItem('fincrm.customers.nav')))
  assert.deepEqual(nav.ids, body.items.map((c) => c.id))
  assert.equal(nav.params.status, 'potential')
  assert.equal(nav.params.q, 'zs')
  await context.close()
})

test('CUS-9 PC: the column chooser hides and orders columns, and the choice is kept', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  // branch001 (a branch's scope): its list is never emptied by the handover test of admin-users
  await login(page, 'branch001')
  await page.goto(BASE + '/customers')
  await page.locator('[data-testid^="customer-name-"]').first().waitFor()
  const cm = await apiSession('branch001')
  const before = await cm.ok('GET', '/me/customer-columns')
  await cm.ok('PUT', '/me/customer-columns', { columns: ['kind', 'status', 'mobile', 'unit'] })
  try {
    await page.reload()
    await page.locator('[data-testid^="customer-mobile-"]').first().waitFor()
    await page.getByTestId('customers-columns').click()
    const dialog = page.getByTestId('columns-dialog')
    await dialog.getByTestId('col-mobile').locator('.el-checkbox').click() // hide the mobile
    await dialog.getByTestId('col-up-status').click() // status before kind
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/me/customer-columns') && r.request().method() === 'PUT'),
      dialog.getByTestId('columns-save').click(),
    ])
    const saved = await api(page, '/me/customer-columns')
    assert.deepEqual(saved.columns.slice(0, 4), ['customer_no', 'name', 'status', 'kind'])
    assert.ok(!saved.columns.includes('mobile'))
    await page.reload()
    await page.locator('[data-testid^="customer-name-"]').first().waitFor()
    const headers = await page.locator('.el-table__header th .cell').allInnerTexts()
    const names = headers.map((h) => h.trim()).filter(Boolean)
    assert.deepEqual(names.slice(0, 4), ['客户号', '姓名/名称', '客户状态', '客户类型'])
    assert.ok(!names.includes('手机号码'))
    assert.equal(await page.locator('[data-testid^="customer-mobile-"]').count(), 0)
  } finally {
    await cm.ok('PUT', '/me/customer-columns', { columns: before.columns })
    await cm.close()
  }
  await context.close()
})

test('CUS-8 phone: the search box and the quick filter chips; a tap opens the customer', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page, 'admin')
  await page.goto(BASE + '/m/customers')
  await page.locator('[data-testid^="m-customer-C"]').first().waitFor()
  const want = await api(page, '/customers?q=zs&size=20&cols=status')
  const input = page.getByTestId('m-customers-q').locator('input')
  await input.fill('zs')
  await input.press('Enter')
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="m-customer-C"]').length === n,
    want.items.length)
  await input.fill('')
  await input.press('Enter')
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('quick=potential')),
    page.getByTestId('m-quick-potential').click(),
  ])
  const body = await res.json()
  assert.ok(body.items.length > 0 && body.items.every((c) => c.status === 'potential'))
  await page.locator('[data-testid^="m-customer-C"]').first().waitFor()
  // the tap opens the 360° view (CUS-10)
  await page.locator('[data-testid^="m-customer-C"]').first().click()
  await page.waitForFunction(() => /^\/m\/customers\/\d+$/.test(location.pathname))
  await context.close()
})
