// CUS-14 CUS-15 in the browser: a custodian links two of its customers in the 360°
// view's 关联人 section and the graph draws them (also on the full 关联图谱 page); an
// administrator puts a customer on the black list on the 黑灰名单 page and the
// customer carries the flag (list row and 360° header); the phone lists the links and
// looks an ID up from the 服务 grid.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { BASE, launch, pcContext, phoneContext, login, pathOf } from './helpers.js'
import { apiSession } from './admin-fixtures.js'

let browser
let admin
let mine // two customers in cm00001's custody: [{id, name, customer_no}]
let listed // a third customer, black-listed in the test

const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', process.env.FINCRM_E2E_DB, q],
  { encoding: 'utf8' }).trim()

before(async () => {
  browser = await launch()
  admin = await apiSession()
  assert.ok(process.env.FINCRM_E2E_DB, 'run through tests/e2e/run.sh')
  const rows = sql(`SELECT id || '|' || name || '|' || customer_no || '|' || COALESCE(id_number, '') FROM customers
    WHERE kind = 'individual' AND id_number IS NOT NULL AND watch_list IS NULL
    AND id NOT IN (SELECT customer_id FROM customer_relations UNION SELECT related_id FROM customer_relations
    WHERE related_id IS NOT NULL) ORDER BY id DESC LIMIT 3`).split('\n').map((l) => {
    const [id, name, no, idNumber] = l.split('|')
    return { id: Number(id), name, customer_no: no, id_number: idNumber }
  })
  assert.equal(rows.length, 3)
  mine = rows.slice(0, 2)
  listed = rows[2]
  sql(`UPDATE customers SET manager_id = (SELECT id FROM users WHERE username = 'cm00001')
    WHERE id IN (${mine.map((c) => c.id).join(',')})`)
})
after(async () => {
  await admin?.close()
  await browser?.close()
})

test('CUS-14 a custodian adds a link in the 关联人 section; the graph draws both customers', async () => {
  const [a, b] = mine
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'cm00001')
  await page.goto(`${BASE}/customers/${a.id}`)
  const section = page.getByTestId('related-section')
  await section.waitFor()
  await section.getByTestId('related-add').click()
  const dialog = page.getByTestId('relation-dialog')
  await dialog.getByTestId('relation-kind').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible').getByText('配偶', { exact: true }).click()
  await dialog.getByTestId('relation-customer').locator('input').fill(b.customer_no)
  await page.getByTestId('relation-customer-' + b.id).click()
  const [saved] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/customers/${a.id}/relations`) && r.request().method() === 'POST'),
    dialog.getByTestId('relation-save').click(),
  ])
  assert.equal(saved.status(), 201, await saved.text())
  const link = await saved.json()
  await section.getByTestId('related-party-' + link.id).getByText(b.name).waitFor()
  assert.equal((await section.getByTestId('related-kind-' + link.id).innerText()).trim(), '配偶')

  const graph = section.getByTestId('related-graph')
  await graph.locator('canvas').waitFor()
  assert.equal(await graph.getAttribute('data-nodes'), '2')
  assert.equal(await graph.getAttribute('data-edges'), '1')

  // the full page: the related query, two customers and one link
  await section.getByTestId('related-graph-page').click()
  await page.waitForURL((u) => u.pathname === `/customers/${a.id}/related`)
  const big = page.getByTestId('related-page').getByTestId('related-graph')
  await big.locator('canvas').waitFor()
  await page.waitForFunction(() => document.querySelector('[data-testid="related-page"] [data-testid="related-graph"]')
    ?.getAttribute('data-nodes') === '2')
  await page.getByTestId('related-nodes').getByText(b.name, { exact: true }).waitFor()

  // the other customer shows the same link, as seen from its side
  await page.goto(`${BASE}/customers/${b.id}`)
  await page.getByTestId('related-section').getByTestId('related-party-' + link.id).getByText(a.name).waitFor()
  await context.close()

  // the phone lists the link and opens the related customer
  const phone = await phoneContext(browser)
  const m = await phone.newPage()
  await login(m, 'cm00001')
  await m.goto(`${BASE}/m/customers/${a.id}`)
  await m.getByTestId('m-related-' + link.id).getByText(b.name).waitFor()
  await m.getByTestId('m-related-' + link.id).click()
  await m.waitForURL((u) => u.pathname === `/m/customers/${b.id}`)
  await phone.close()
})

test('CUS-15 the 黑灰名单 page adds a black-list entry; the customer carries the flag', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('menu-customer-watchlist').waitFor({ state: 'attached' })
  await page.goto(`${BASE}/customers/watchlist`)
  await page.getByTestId('watchlist-maintain').waitFor()
  await page.getByTestId('watchlist-add').click()
  const dialog = page.getByTestId('watchlist-dialog')
  await dialog.getByTestId('watchlist-form-name').locator('input').fill(listed.name)
  await dialog.getByTestId('watchlist-form-id-number').locator('input').fill(listed.id_number)
  await dialog.getByTestId('watchlist-form-reason').locator('textarea').fill('恶意逃废债务')
  const [added] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/watchlist') && r.request().method() === 'POST'),
    dialog.getByTestId('watchlist-form-save').click(),
  ])
  assert.equal(added.status(), 201, await added.text())
  const { entry, customers_flagged: flagged } = await added.json()
  assert.equal(flagged, 1)
  await page.getByTestId('watchlist-name-' + entry.id).waitFor()

  // the list row carries the flag; the 360° header shows it
  const rows = (await admin.ok('GET', '/customers?q=' + listed.customer_no)).items
  assert.equal(rows.find((c) => c.id === listed.id).watch_list, 'black')
  await page.goto(`${BASE}/customers`)
  await page.getByTestId('customers-q').fill(listed.customer_no)
  await page.getByTestId('customers-search').click()
  await page.getByTestId('flag-watch-' + listed.customer_no).waitFor()
  assert.equal((await page.getByTestId('flag-watch-' + listed.customer_no).innerText()).trim(), '黑名单')
  await page.goto(`${BASE}/customers/${listed.id}`)
  assert.equal((await page.getByTestId('cv-watch').innerText()).trim(), '黑名单')

  // the lookup box finds it by ID number
  await page.goto(`${BASE}/customers/watchlist`)
  await page.getByTestId('watchlist-query-q').fill(listed.id_number) // Element Plus puts the test id on the <input>
  await page.getByTestId('watchlist-query-go').click()
  await page.getByTestId('watchlist-query-hits').getByText('黑名单').waitFor()
  await context.close()

  // 名单查询 on the phone, from the 服务 grid, for a custodian
  const phone = await phoneContext(browser)
  const m = await phone.newPage()
  await login(m, 'cm00001')
  await m.goto(`${BASE}/m/services`)
  await m.getByTestId('m-service-watchlist').click()
  await m.waitForURL((u) => u.pathname === '/m/watchlist')
  assert.equal(pathOf(m), '/m/watchlist')
  await m.getByTestId('m-watchlist-q').locator('input').fill(listed.id_number)
  await m.getByTestId('m-watchlist-search').click()
  await m.getByTestId('m-watchlist-hit-0').getByText('黑名单').waitFor()
  await phone.close()
})
