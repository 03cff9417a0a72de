// 机构管理 in the browser (ORG-1): the admin adds an outlet under a branch, renames
// it, moves it under another branch, closes and reopens it; server refusals are
// shown; a user with users.view only reads the tree.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, login } from './helpers.js'
import { apiSession, makeStaff, unitByCode, uniq } from './admin-fixtures.js'

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

function unitCall(page, method, suffix) {
  return page.waitForResponse((r) => r.request().method() === method &&
    new URL(r.url()).pathname.startsWith('/api/v1/org/units') && new URL(r.url()).pathname.endsWith(suffix))
}

async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

async function pick(page, code) {
  await page.getByTestId('org-search').fill(code)
  await page.getByTestId('org-node-' + code).click()
}

test('ORG-1 admin adds an outlet under a branch, renames it, moves it to another branch, closes and reopens it', async () => {
  const from = await unitByCode(admin, '801010')
  const to = await unitByCode(admin, '801020')
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/org')
  const detail = page.getByTestId('org-detail')
  await pick(page, from.code)
  await page.getByTestId('org-detail-name').getByText(from.name, { exact: true }).waitFor()

  // add: under a branch only an outlet may be created
  const code = uniq('OT').toUpperCase().slice(0, 20)
  const name = '测试网点' + code.slice(-4)
  await page.getByTestId('org-add-child').click()
  const dialog = page.getByTestId('unit-dialog')
  await dialog.getByTestId('unit-parent').getByText(from.name).waitFor()
  await dialog.getByTestId('unit-level-outlet').waitFor()
  assert.equal(await dialog.getByTestId('unit-level-branch').count(), 0)
  assert.equal(await dialog.getByTestId('unit-level-county').count(), 0)
  await dialog.getByTestId('unit-code').locator('input').fill(code)
  await dialog.getByTestId('unit-name').locator('input').fill(name)
  const [created] = await Promise.all([unitCall(page, 'POST', '/units'), dialog.getByTestId('unit-save').click()])
  assert.equal(created.status(), 201)
  const unit = await created.json()
  assert.equal(unit.level, 'outlet')
  assert.equal(unit.parent_id, from.id)
  await page.getByTestId('org-detail-name').getByText(name, { exact: true }).waitFor()
  await page.getByTestId('org-detail-parent').getByText(from.name).waitFor()

  // rename; a taken code is refused on its field first
  const renamed = name + '（新）'
  await page.getByTestId('org-edit').click()
  await dialog.getByTestId('unit-code').locator('input').fill(from.code)
  await dialog.getByTestId('unit-name').locator('input').fill(renamed)
  const [taken] = await Promise.all([unitCall(page, 'PATCH', '/' + unit.id), dialog.getByTestId('unit-save').click()])
  assert.equal(taken.status(), 409)
  await dialog.getByTestId('unit-code').getByText((await taken.json()).error.message).waitFor()
  await dialog.getByTestId('unit-code').locator('input').fill(code)
  const [patched] = await Promise.all([unitCall(page, 'PATCH', '/' + unit.id), dialog.getByTestId('unit-save').click()])
  assert.equal(patched.status(), 200)
  await page.getByTestId('org-detail-name').getByText(renamed, { exact: true }).waitFor()
  await page.getByTestId('org-node-' + code).getByText(renamed).waitFor()

  // move under another branch, picked in the tree select
  await page.getByTestId('org-move').click()
  const move = page.getByTestId('move-dialog')
  await move.getByTestId('move-target').locator('.el-select__wrapper').click()
  await move.getByTestId('move-target').locator('input').fill(to.code)
  await page.locator('.unit-select-popper').getByTestId('unit-opt-' + to.code).click()
  const [moved] = await Promise.all([unitCall(page, 'POST', '/move'), move.getByTestId('move-save').click()])
  assert.equal(moved.status(), 200)
  assert.equal((await moved.json()).parent_id, to.id)
  await page.getByTestId('org-detail-parent').getByText(to.name).waitFor()

  // close (confirmed), then reopen
  await page.getByTestId('org-close').click()
  const [closed] = await Promise.all([unitCall(page, 'POST', '/close'), confirmBox(page)])
  assert.equal(closed.status(), 200)
  await page.getByTestId('org-detail-status').getByText('已撤销').waitFor()
  await page.getByTestId('org-reopen').click()
  const [reopened] = await Promise.all([unitCall(page, 'POST', '/reopen'), confirmBox(page)])
  assert.equal(reopened.status(), 200)
  await page.getByTestId('org-detail-status').getByText('正常').waitFor()
  assert.ok(await detail.isVisible())
  await context.close()
})

test('ORG-1 closing a unit that still has users shows the server\'s refusal', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/org')
  await pick(page, '801011')
  await page.getByTestId('org-close').click()
  const [refused] = await Promise.all([unitCall(page, 'POST', '/close'), confirmBox(page)])
  assert.equal(refused.status(), 409)
  const body = await refused.json()
  assert.equal(body.error.code, 'org.unit_not_empty')
  await page.locator('.el-message--error').getByText(body.error.message).waitFor()
  await page.getByTestId('org-detail-status').getByText('正常').waitFor()
  await context.close()
})

test('ORG-1 ORG-3 a user with users.view but not org.manage sees the tree without edit actions', async () => {
  const staff = await makeStaff(admin, { permissions: ['users.view'], scope: 'subtree' })
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, staff.username, staff.password)
  await page.getByTestId('menu-admin-org').waitFor({ state: 'attached' })
  await page.goto(BASE + '/admin/org')
  await page.getByTestId('org-node-800000').waitFor()
  await page.getByTestId('org-detail-name').waitFor()
  assert.equal(await page.getByTestId('org-add-child').count(), 0)
  assert.equal(await page.getByTestId('org-edit').count(), 0)
  assert.equal(await page.getByTestId('org-add-root').count(), 0)
  await context.close()
})

test('ORG-1 dragging a unit onto another branch moves it after a confirmation', async () => {
  const from = await unitByCode(admin, '801030')
  const to = await unitByCode(admin, '801040')
  const code = uniq('DD').toUpperCase().slice(0, 20)
  const unit = await admin.ok('POST', '/org/units', { parent_id: from.id, code, name: '拖动网点' + code.slice(-4), level: 'outlet' })
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/org')
  const branchRow = page.locator('.el-tree-node__content', { has: page.getByTestId('org-node-' + from.code) })
  await branchRow.locator('.el-tree-node__expand-icon').click()
  await page.getByTestId('org-node-' + code).waitFor()
  await page.getByTestId('org-node-' + code).dragTo(page.getByTestId('org-node-' + to.code))
  await page.locator('.el-message-box').getByText(to.name).waitFor()
  const [moved] = await Promise.all([unitCall(page, 'POST', '/move'), confirmBox(page)])
  assert.equal(moved.status(), 200)
  assert.equal((await moved.json()).parent_id, to.id)
  // the tree shows the unit under its new branch; opening it shows the new parent
  const toRow = page.locator('.el-tree-node', { has: page.getByTestId('org-node-' + to.code) })
  await toRow.getByTestId('org-node-' + code).click()
  await page.getByTestId('org-detail-name').getByText(unit.name, { exact: true }).waitFor()
  await page.getByTestId('org-detail-parent').getByText(to.name).waitFor()
  await context.close()
})
