// 角色权限 in the browser (ORG-3, ORG-4, ORG-6): the admin edits a role's permission
// matrix, data scope and field rules and a user holding that role sees the effect.
// Each test works on a role, position and user of its own (admin-fixtures.js), so
// the built-in roles and the other tests are untouched.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, login, pathOf } from './helpers.js'
import { apiSession, makeStaff, uniq } from './admin-fixtures.js'

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

/** The admin on 角色权限 with `role` open in the editor. */
async function openRole(role) {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/roles')
  await page.getByTestId('role-item-' + role.code).click()
  await page.getByTestId('role-editor-title').getByText(role.name, { exact: true }).waitFor()
  return page
}

async function saveRole(page, role) {
  const [put] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/roles/' + role.id) && r.request().method() === 'PUT'),
    page.getByTestId('role-save').click(),
  ])
  assert.equal(put.status(), 200, await put.text())
  await page.locator('.el-message--success').last().waitFor()
  return put.json()
}

async function staffPage(staff, path) {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, staff.username, staff.password)
  if (path) await page.goto(BASE + path)
  return page
}

test('ORG-3 role editor: unticking 用户查询 in the matrix removes 用户管理 from the menu of the role\'s user and the page shows 403', async () => {
  const staff = await makeStaff(admin, { permissions: ['customers.view', 'users.view'], scope: 'unit' })
  const user = await staffPage(staff)
  await user.getByTestId('menu-admin-users').waitFor({ state: 'attached' })
  await user.goto(BASE + '/admin/users')
  await user.getByTestId('users-table').waitFor()

  const page = await openRole(staff.role)
  const box = page.getByTestId('perm-users.view')
  assert.equal(await box.locator('input').isChecked(), true)
  // the 系统管理 row shows a partial selection while one of its permissions is held
  assert.match(await page.getByTestId('perm-group-system').locator('.el-checkbox__input').getAttribute('class'),
    /is-indeterminate/)
  await box.click()
  await page.getByTestId('role-dirty').waitFor()
  const saved = await saveRole(page, staff.role)
  assert.deepEqual(saved.permissions, ['customers.view'])
  assert.equal(await page.getByTestId('role-dirty').count(), 0)
  await page.context().close()

  await user.reload()
  await user.getByTestId('forbidden').waitFor()
  assert.equal(pathOf(user), '/admin/users', 'the address stays; the page is replaced by 403')
  assert.equal(await user.getByTestId('users-table').count(), 0)
  assert.equal(await user.getByTestId('menu-admin-users').count(), 0)
  assert.equal(await user.getByTestId('menu-admin').count(), 0, 'the empty 系统管理 group is gone')
  await user.getByTestId('menu-customer-query').waitFor({ state: 'attached' })
  await user.getByTestId('forbidden-home').click()
  await user.waitForURL((u) => u.pathname === '/home')
  await user.context().close()
})

test('ORG-4 role editor: changing the data scope from 本人 to 全部 widens the customer list of the role\'s user', async () => {
  const staff = await makeStaff(admin, { permissions: ['customers.view'], scope: 'self' })
  const all = (await admin.ok('GET', '/customers?size=1')).total
  assert.ok(all > 0)
  const user = await staffPage(staff, '/customers')
  const total = user.getByTestId('customers-pager').locator('.el-pagination__total')
  await total.getByText('共 0 条').waitFor()

  const page = await openRole(staff.role)
  assert.equal(await page.getByTestId('scope-self').locator('input').isChecked(), true)
  await page.getByTestId('scope-help-icon').hover()
  await page.getByTestId('scope-help').getByText('本人及下属').waitFor()
  await page.getByTestId('scope-all').click()
  const saved = await saveRole(page, staff.role)
  assert.equal(saved.data_scope, 'all')
  await page.context().close()

  await user.reload()
  await total.getByText(`共 ${all} 条`).waitFor()
  await user.context().close()
})

test('ORG-6 role editor: setting 手机号码 to 隐藏 removes the column from the customer page of the role\'s user', async () => {
  const staff = await makeStaff(admin, { permissions: ['customers.view'], scope: 'all' })
  const user = await staffPage(staff, '/customers')
  const header = user.getByTestId('customers-table').locator('.el-table__header')
  await header.getByText('手机号码').waitFor()
  await user.locator('[data-testid^="customer-mobile-"]').first().waitFor()

  const page = await openRole(staff.role)
  await page.getByTestId('field-mobile-hidden').click()
  const saved = await saveRole(page, staff.role)
  assert.equal(saved.fields.mobile.access, 'hidden')
  await page.context().close()

  await user.reload()
  await header.getByText('姓名/名称').waitFor()
  await user.locator('[data-testid^="customer-name-"]').first().waitFor()
  assert.equal(await header.getByText('手机号码').count(), 0)
  assert.equal(await user.locator('[data-testid^="customer-mobile-"]').count(), 0)
  await header.getByText('证件号码').waitFor()
  await user.context().close()
})

test('ORG-3 a new role copied from 营业人员 gets its permissions; a built-in role cannot be deleted, the new one can', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/roles')
  await page.getByTestId('role-item-system_admin').click()
  await page.getByTestId('role-editor-title').getByText('系统管理员').waitFor()
  assert.equal(await page.getByTestId('role-delete').count(), 0, 'built-in roles have no delete button')

  const code = uniq('copy')
  await page.getByTestId('role-create').click()
  await page.getByTestId('new-role-code').locator('input').fill(code)
  await page.getByTestId('new-role-name').locator('input').fill('复制角色' + code.slice(-4))
  await page.getByTestId('new-role-copy').locator('.el-select__wrapper').click()
  await page.getByTestId('copy-opt-staff').click()
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/roles') && r.request().method() === 'POST'),
    page.getByTestId('new-role-save').click(),
  ])
  assert.equal(created.status(), 201)
  const role = await created.json()
  await page.getByTestId('role-editor-title').getByText(role.name).waitFor()
  const staffRole = (await admin.ok('GET', '/roles')).items.find((r) => r.code === 'staff')
  assert.deepEqual([...role.permissions].sort(), [...staffRole.permissions].sort())
  assert.equal(await page.getByTestId('perm-customers.view').locator('input').isChecked(), true)
  assert.equal(await page.getByTestId('perm-org.manage').locator('input').isChecked(), false)
  assert.equal(await page.getByTestId('field-address-hidden').locator('input').isChecked(), true,
    'field rules are copied too (营业人员 does not see addresses)')

  await page.getByTestId('role-delete').click()
  await page.locator('.el-message-box__btns .el-button--primary').click()
  await page.locator('.el-message--success').last().waitFor()
  await page.getByTestId('role-item-' + code).waitFor({ state: 'detached' })
  assert.equal((await admin.call('GET', '/roles/' + role.id)).status, 404)
  await context.close()
})

test('ORG-2 职位 tab: admin adds a position mapped to a role, remaps it and marks it custodian', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/roles')
  await page.getByTestId('roles-tabs').getByRole('tab', { name: '职位' }).click()
  await page.getByTestId('positions-table').getByText('客户经理', { exact: true }).waitFor()

  const code = uniq('pos')
  await page.getByTestId('position-create').click()
  const dialog = page.getByTestId('position-dialog')
  await dialog.getByTestId('position-code').locator('input').fill(code)
  await dialog.getByTestId('position-name').locator('input').fill('测试岗' + code.slice(-4))
  await dialog.getByTestId('position-role').locator('.el-select__wrapper').click()
  await page.locator('.el-select-dropdown__item:visible').getByText('营业人员', { exact: true }).click()
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/positions') && r.request().method() === 'POST'),
    dialog.getByTestId('position-save').click(),
  ])
  assert.equal(created.status(), 201, await created.text())
  const position = await created.json()
  assert.equal(position.role.code, 'staff')
  assert.equal(position.is_custodian, false)
  await page.getByTestId('position-row-' + code).waitFor()

  await page.getByTestId('position-role-' + code).locator('.el-select__wrapper').click()
  const [remapped] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/positions/' + position.id) && r.request().method() === 'PATCH'),
    page.locator('.el-select-dropdown__item:visible').getByText('管护客户经理', { exact: true }).click(),
  ])
  assert.equal((await remapped.json()).role.code, 'custodian')
  const [custodian] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/positions/' + position.id) && r.request().method() === 'PATCH'),
    page.getByTestId('position-custodian-' + code).click(),
  ])
  assert.equal((await custodian.json()).is_custodian, true)
  const stored = (await admin.ok('GET', '/positions')).items.find((p) => p.code === code)
  assert.equal(stored.role.code, 'custodian')
  assert.equal(stored.is_custodian, true)
  await context.close()
})

test('CUS-4 the admin chooses the required customer fields on 角色权限 → 客户必填字段', async () => {
  const before = (await admin.ok('GET', '/customer-required-fields')).fields
  const context = await pcContext(browser)
  const page = await context.newPage()
  try {
    await login(page)
    await page.goto(BASE + '/admin/roles')
    await page.getByTestId('roles-tabs').getByText('客户必填字段').click()
    const box = page.getByTestId('required-employer')
    await box.waitFor()
    const wasChecked = before.includes('employer')
    await box.click()
    const [put] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/customer-required-fields') && r.request().method() === 'PUT'),
      page.getByTestId('required-save').click(),
    ])
    assert.equal(put.status(), 200, await put.text())
    const now = (await admin.ok('GET', '/customer-required-fields')).fields
    assert.equal(now.includes('employer'), !wasChecked, 'the ticked field is saved')
  } finally {
    await admin.ok('PUT', '/customer-required-fields', { fields: before })
    await context.close()
  }
})
