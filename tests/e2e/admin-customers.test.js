// 客户查询 (seed page; ORG-4, ORG-6, AUTH-8): a user who is not the customers'
// custodian sees masked mobiles like 138****1234; with customers.reveal the eye
// button shows the full number (the server records the view); without it there is
// no button. The phone page lists the same masked values from the 服务 grid.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, phoneContext, login } from './helpers.js'
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

const MASKED_MOBILE = /^(\d{3})\*{4}(\d{4})$/

test('AUTH-8 ORG-6 a non-custodian sees masked mobiles (138****1234) and 查看 reveals the full number', async () => {
  const staff = await makeStaff(admin, {
    permissions: ['customers.view', 'customers.reveal'],
    scope: 'all',
    fields: { mobile: { access: 'read', masking: 'list' } },
  })
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, staff.username, staff.password)
  await page.getByTestId('menu-customer-query').waitFor({ state: 'attached' })
  await page.goto(BASE + '/customers')
  const cell = page.locator('[data-testid^="customer-mobile-"]').filter({ hasText: '*' }).first()
  await cell.waitFor()
  const no = (await cell.getAttribute('data-testid')).replace('customer-mobile-', '')
  const masked = (await cell.locator('.cq-value').innerText()).trim()
  const m = masked.match(MASKED_MOBILE)
  assert.ok(m, `masked like 138****1234: ${masked}`)

  const [reveal] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/reveal') && r.request().method() === 'POST'),
    page.getByTestId('reveal-mobile-' + no).click(),
  ])
  assert.equal(reveal.status(), 200)
  const full = (await reveal.json()).value
  assert.match(full, /^\d{11}$/)
  assert.equal(full.slice(0, 3), m[1])
  assert.equal(full.slice(-4), m[2])
  await page.getByTestId('customer-mobile-' + no).locator('.cq-value').getByText(full, { exact: true }).waitFor()
  assert.equal(await page.getByTestId('reveal-mobile-' + no).count(), 0)
  await page.locator('.el-message').getByText('审计日志').waitFor()
  await context.close()
})

test('AUTH-8 without customers.reveal the masked values have no 查看 button', async () => {
  const staff = await makeStaff(admin, { permissions: ['customers.view'], scope: 'all' })
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, staff.username, staff.password)
  await page.goto(BASE + '/customers')
  const cell = page.locator('[data-testid^="customer-mobile-"]').filter({ hasText: '*' }).first()
  await cell.waitFor()
  assert.match((await cell.innerText()).trim(), MASKED_MOBILE)
  assert.equal(await page.locator('[data-testid^="reveal-"]').count(), 0)
  await context.close()
})

test('ORG-3 MOB-1 phone: 服务 → 客户查询 lists customers with masked mobiles and searches', async () => {
  const staff = await makeStaff(admin, { permissions: ['customers.view'], scope: 'all' })
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page, staff.username, staff.password)
  await page.goto(BASE + '/m/services')
  await page.getByTestId('m-service-customers').click()
  await page.waitForURL((u) => u.pathname === '/m/customers')
  const mobile = page.locator('[data-testid^="m-customer-mobile-"]').first()
  await mobile.waitFor()
  assert.match((await mobile.innerText()).trim(), MASKED_MOBILE)
  const no = (await mobile.getAttribute('data-testid')).replace('m-customer-mobile-', '')
  await page.getByTestId('m-customers-q').locator('input').fill(no)
  await page.getByTestId('m-customers-q').locator('input').press('Enter')
  await page.getByTestId('m-customer-' + no).waitFor()
  await page.waitForFunction(() => document.querySelectorAll('[data-testid^="m-customer-C"]').length === 1)
  await context.close()

  // a phone user without customers.view has no tile and gets the 403 page
  const other = await makeStaff(admin, { permissions: ['users.view'], scope: 'unit' })
  const ctx2 = await phoneContext(browser)
  const p2 = await ctx2.newPage()
  await login(p2, other.username, other.password)
  await p2.goto(BASE + '/m/services')
  await p2.getByTestId('m-service-about').waitFor()
  assert.equal(await p2.getByTestId('m-service-customers').count(), 0)
  await p2.goto(BASE + '/m/customers')
  await p2.getByTestId('m-forbidden').waitFor()
  await ctx2.close()
})
