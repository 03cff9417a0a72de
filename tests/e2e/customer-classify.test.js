// CUS-6 CUS-7 CUS-11 CUS-16 CUS-17 in the browser: the admin defines an attribute
// and a tag on 客户配置, tags a customer on its 360° view, creates a group, adds
// customers and tags its members in a batch; a custodian fills an attribute's note
// blanks on PC and stars a customer on the phone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, phoneContext, login } from './helpers.js'
import { apiSession, uniq } from './admin-fixtures.js'

let browser
let admin
let cm // a demo custodian holding customers (other browser tests may have moved cm00001's)
let custodian
let own // one of the custodian's customers
before(async () => {
  browser = await launch()
  admin = await apiSession()
  const rows = (await admin.ok('GET', '/customers?size=100')).items.filter((c) => c.manager)
  for (const c of rows) {
    const user = await admin.ok('GET', `/users/${c.manager.id}`)
    if (!/^cm\d+$/.test(user.username)) continue
    try {
      cm = await apiSession(user.username)
      ;[own] = (await cm.ok('GET', '/customers?size=1')).items
    } catch { own = null }
    if (own) {
      custodian = user.username
      break
    }
    await cm?.close()
    cm = null
  }
  assert.ok(cm && own, 'a demo custodian with customers')
})
after(async () => {
  await cm?.close()
  await admin?.close()
  await browser?.close()
})

const attrCode = uniq('e2eattr')
const tagName = uniq('标签')

test('CUS-6 CUS-7 the admin defines an attribute and a tag, then tags a customer on its 360° view', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/customers/settings')

  // 客户属性: a new attribute with a value and a template with one blank
  await page.getByTestId('attr-new').click()
  const dialog = page.getByTestId('attr-dialog')
  await dialog.getByTestId('attr-code').locator('input').fill(attrCode)
  await dialog.getByTestId('attr-name').locator('input').fill('宠物')
  await dialog.getByTestId('attr-template').locator('input').fill('养了【】只')
  await dialog.getByTestId('attr-add-value').click()
  await dialog.getByTestId('attr-value-0').fill('有宠物')
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/customer-attributes') && r.request().method() === 'POST'),
    dialog.getByTestId('attr-save').click(),
  ])
  await page.getByTestId('attr-table').getByText(attrCode).waitFor()

  // 标签: a group and a tag in it
  await page.getByRole('tab', { name: '标签', exact: true }).click()
  await page.getByTestId('tag-group-new').click()
  const groupName = uniq('组')
  await page.getByTestId('tag-group-name').locator('input').fill(groupName)
  await page.getByTestId('tag-group-save').click()
  const card = page.locator('[data-testid^="tag-group-"]').filter({ hasText: groupName })
  await card.waitFor()
  await card.locator('[data-testid^="tag-new-"]').click()
  await page.getByTestId('tag-name').locator('input').fill(tagName)
  await page.getByTestId('tag-save').click()
  await page.getByTestId('tag-' + tagName).waitFor()

  // the 360° view: tags section (order 40) before the star/level (45) and attributes (50)
  const [customer] = (await admin.ok('GET', '/customers?size=1')).items
  await page.goto(`${BASE}/customers/${customer.id}`)
  await page.getByTestId('tags-section').waitFor()
  const order = await page.locator('[data-testid^="cv-section-"]').evaluateAll((els) => els.map((e) => e.dataset.testid))
  assert.ok(order.indexOf('cv-section-TagsSection') < order.indexOf('cv-section-StarLevelSection'), order.join())
  assert.ok(order.indexOf('cv-section-StarLevelSection') < order.indexOf('cv-section-AttributesSection'), order.join())
  await page.getByTestId('tags-add').click()
  await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/customers/${customer.id}/tags/`) && r.request().method() === 'PUT'),
    page.getByTestId('tags-opt-' + tagName).click(),
  ])
  await page.getByTestId('customer-tag-' + tagName).waitFor()
  const tags = await admin.ok('GET', `/customers/${customer.id}/tags`)
  assert.ok(tags.items.some((x) => x.name === tagName))
  await context.close()
})

test('CUS-6 a custodian picks an attribute value and fills the note blank on the 360° view', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, custodian)
  await page.goto(`${BASE}/customers/${own.id}`)
  await page.getByTestId('attr-fill-' + attrCode).click()
  const dialog = page.getByTestId('attr-fill-dialog')
  await dialog.getByTestId('attr-fill-value').locator('.el-select').click()
  await page.getByTestId('attr-fill-opt-有宠物').click()
  await dialog.getByTestId('attr-fill-blank-0').fill('3')
  await dialog.getByTestId('attr-fill-save').click()
  await page.getByTestId('attr-note-' + attrCode).getByText('养了3只').waitFor()
  const attrs = await cm.ok('GET', `/customers/${own.id}/attributes`)
  const mine = attrs.items.find((a) => a.code === attrCode)
  assert.deepEqual([mine.value_name, mine.note], ['有宠物', '养了3只'])

  // star and level on the same page
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/customers/${own.id}/star`) && r.request().method() === 'PUT'),
    page.getByTestId('star-red').click(),
  ])
  assert.equal((await cm.ok('GET', `/customers/${own.id}/star`)).color, 'red')
  await context.close()
})

test('CUS-11 CUS-7 a group of customers is tagged in a batch from 客户群组', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/customers/groups')
  await page.getByTestId('group-new').click()
  const name = uniq('群')
  await page.getByTestId('group-name').locator('input').fill(name)
  await page.getByTestId('group-save').click()
  await page.getByTestId('group-add-members').click()
  const picker = page.getByTestId('group-picker')
  const rows = picker.locator('.el-table__body tr')
  await rows.first().waitFor()
  for (let i = 0; i < 3; i++) await rows.nth(i).locator('.el-checkbox').click()
  await Promise.all([
    page.waitForResponse((r) => /\/customer-groups\/\d+\/customers$/.test(r.url()) && r.request().method() === 'POST'),
    picker.getByTestId('group-picker-add').click(),
  ])
  const members = page.getByTestId('group-members').locator('.el-table__body tr')
  await members.nth(2).waitFor()
  await page.getByTestId('group-members').locator('.el-table__header .el-checkbox').click()

  await page.getByTestId('tag-batch-open').click()
  const dialog = page.getByTestId('tag-batch-dialog')
  await dialog.getByTestId('tag-batch-tag').locator('.el-select').click()
  await page.getByTestId('tag-batch-opt-' + tagName).click()
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/customer-tags/batch')),
    dialog.getByTestId('tag-batch-submit').click(),
  ])
  const body = await res.json()
  assert.equal(res.status(), 200)
  assert.equal(body.requested, 3)
  assert.equal(body.changed + body.skipped, 3)
  await dialog.getByTestId('tag-batch-result').waitFor()
  const groups = await admin.ok('GET', '/customer-groups')
  const g = groups.items.find((x) => x.name === name)
  const list = await admin.ok('GET', `/customer-groups/${g.id}/customers`)
  for (const c of list.items) {
    const tags = await admin.ok('GET', `/customers/${c.id}/tags`)
    assert.ok(tags.items.some((x) => x.name === tagName), `customer ${c.id} tagged`)
  }
  await context.close()
})

test('CUS-16 CUS-7 on the phone a custodian sees the tags and stars a customer', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page, custodian)
  await page.goto(`${BASE}/m/customers/${own.id}`)
  await page.getByTestId('m-tags-section').waitFor()
  await page.getByTestId('m-attrs-section').waitFor()
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/customers/${own.id}/star`) && r.request().method() === 'PUT'),
    page.getByTestId('m-star-blue').click(),
  ])
  assert.equal((await cm.ok('GET', `/customers/${own.id}/star`)).color, 'blue')
  await page.getByTestId('m-tags-add').click()
  await page.locator('.van-action-sheet__item').first().click()
  await page.locator('[data-testid^="m-customer-tag-"]').first().waitFor()
  await context.close()
})

test('CUS-7 the 客户查询 toolbar tags the selected customers in a batch', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/customers')
  const rows = page.getByTestId('customers-table').locator('.el-table__body tr')
  await rows.nth(1).waitFor()
  for (let i = 0; i < 2; i++) await rows.nth(i).locator('.el-checkbox').click()
  await page.getByTestId('customer-batch-actions').getByTestId('tag-batch-open').click()
  const dialog = page.getByTestId('tag-batch-dialog')
  await dialog.getByTestId('tag-batch-tag').locator('.el-select').click()
  await page.getByTestId('tag-batch-opt-' + tagName).click()
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/customer-tags/batch')),
    dialog.getByTestId('tag-batch-submit').click(),
  ])
  assert.equal(res.status(), 200)
  assert.equal((await res.json()).requested, 2)
  await dialog.getByTestId('tag-batch-result').waitFor()
  await context.close()
})
