// CUS-1 CUS-10 the customer forms and the 360° view in the browser: on PC a new
// customer is created from 客户 → 新建客户 (birth date and gender follow the resident
// ID), the view opens with its header and sections, a field is edited inline, and
// previous/next move through the stored list without leaving the page; the phone
// shows the same view with its sections and the previous/next bar.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, phoneContext, login, pathOf } from './helpers.js'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

// a resident ID born 1988-08-08, male, with its GB 11643 check digit
function residentId() {
  const first = `3301021988080800${1 + 2 * (Date.now() % 4)}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  return first + '10X98765432'[[...first].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11]
}
const input = (page, id) => page.getByTestId(id).locator('input').first()
let createdId

test('CUS-1 CUS-10 PC: create a customer, land on its 360° view, edit a field inline', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('menu-customers').click()
  await page.getByTestId('menu-customer-new').click()
  await page.waitForURL((u) => u.pathname === '/customers/new')
  await input(page, 'cc-name').fill('浏览器测试客户')
  await input(page, 'cc-id-number').fill(residentId())
  await input(page, 'cc-mobile').fill('13566667777')
  await page.getByTestId('cc-source').locator('.el-select').click()
  await page.getByTestId('cc-source-walk_in').click()
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/customers') && r.request().method() === 'POST'),
    page.getByTestId('cc-submit').click(),
  ])
  assert.equal(res.status(), 201, await res.text())
  createdId = (await res.json()).id
  await page.waitForURL((u) => u.pathname === `/customers/${createdId}`)
  await page.getByTestId('cv-name').getByText('浏览器测试客户').waitFor()
  assert.equal(await page.getByTestId('cv-status').innerText(), '潜在客户')
  await page.getByTestId('cv-missing').waitFor() // no address yet (CUS-4)
  assert.equal(await page.getByTestId('basic-value-birth_date').innerText(), '1988-08-08')
  assert.equal(await page.getByTestId('basic-value-gender').innerText(), '男')
  for (const s of ['BasicSection', 'ContactsSection', 'CustodiansSection', 'AttachmentsSection']) {
    await page.getByTestId('cv-section-' + s).waitFor()
  }
  assert.match(await page.getByTestId('custodian-collector').innerText(), /系统管理员/)

  await page.getByTestId('basic-edit-address').click()
  await page.getByTestId('basic-input-address').fill('云泽省城关镇建设路 8 号')
  const [patch] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/customers/${createdId}`) && r.request().method() === 'PATCH'),
    page.getByTestId('basic-save-address').click(),
  ])
  assert.equal(patch.status(), 200, await patch.text())
  await page.getByTestId('basic-value-address').getByText('云泽省城关镇建设路 8 号').waitFor()
  await page.getByTestId('cv-missing').waitFor({ state: 'detached' })
  await context.close()
})

test('CUS-10 PC: previous and next move through the stored list without leaving the view', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  const list = await page.evaluate(async () => (await fetch('/api/v1/customers?page=1&size=5')).json())
  const ids = list.items.map((c) => c.id)
  await page.evaluate((nav) => sessionStorage.setItem('fincrm.customers.nav', JSON.stringify(nav)),
    { ids, params: {}, page: 1, size: 5, total: list.total })
  await page.goto(`${BASE}/customers/${ids[1]}`)
  await page.getByTestId('cv-name').getByText(list.items[1].name).waitFor()
  assert.equal(await page.getByTestId('cv-position').innerText(), `2 / ${list.total}`)
  await page.getByTestId('cv-next').click()
  await page.waitForURL((u) => u.pathname === `/customers/${ids[2]}`)
  await page.getByTestId('cv-name').getByText(list.items[2].name).waitFor()
  await page.getByTestId('cv-prev').click()
  await page.waitForURL((u) => u.pathname === `/customers/${ids[1]}`)
  await page.getByTestId('cv-name').getByText(list.items[1].name).waitFor()
  await page.getByTestId('cv-prev').click()
  await page.waitForURL((u) => u.pathname === `/customers/${ids[0]}`)
  await page.getByTestId('cv-name').getByText(list.items[0].name).waitFor()
  // the first customer has no previous one (the button turns disabled once the view has the record)
  await page.waitForFunction(() => document.querySelector('[data-testid="cv-prev"]')?.disabled === true)
  // at the end of the page the next page is fetched
  await page.goto(`${BASE}/customers/${ids[4]}`)
  await page.getByTestId('cv-name').getByText(list.items[4].name).waitFor()
  await page.getByTestId('cv-next').click()
  await page.waitForURL((u) => !u.pathname.endsWith(`/${ids[4]}`))
  const nav = await page.evaluate(() => JSON.parse(sessionStorage.getItem('fincrm.customers.nav')))
  assert.equal(nav.page, 2)
  assert.equal(pathOf(page), `/customers/${nav.ids[0]}`)
  await context.close()
})

test('CUS-10 phone: the same view with its sections and previous/next', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page)
  const list = await page.evaluate(async () => (await fetch('/api/v1/customers?page=1&size=3')).json())
  const ids = list.items.map((c) => c.id)
  await page.evaluate((nav) => sessionStorage.setItem('fincrm.customers.nav', JSON.stringify(nav)),
    { ids, params: {}, page: 1, size: 3, total: list.total })
  await page.goto(`${BASE}/m/customers/${ids[0]}`)
  await page.getByTestId('m-cv-name').getByText(list.items[0].name).waitFor()
  await page.getByTestId('m-cv-section-BasicSection').waitFor()
  await page.getByTestId('m-cv-section-CustodiansSection').waitFor()
  assert.equal(await page.getByTestId('m-basic-value-customer_no').innerText(), list.items[0].customer_no)
  await page.getByTestId('m-cv-next').click()
  await page.waitForURL((u) => u.pathname === `/m/customers/${ids[1]}`)
  await page.getByTestId('m-cv-name').getByText(list.items[1].name).waitFor()
  if (createdId) {
    await page.goto(`${BASE}/m/customers/new`)
    await page.getByTestId('m-customer-create-form').waitFor()
  }
  await context.close()
})
