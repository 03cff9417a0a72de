// 用户管理 in the browser (ORG-2, AUTH-1, AUTH-2, ORG-7): the admin creates a user and
// reads the one-time password from the dialog; that user is held on the password
// page until the password is changed. Reset, disable/enable, unlock and the staff
// leave handover with its history.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, login, submitLogin, pathOf } from './helpers.js'
import { apiSession, makeStaff, userByName, uniq, STAFF_PASSWORD } from './admin-fixtures.js'

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

async function usersPage() {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/users')
  await page.getByTestId('users-table').waitFor()
  return page
}

async function findRow(page, username) {
  await page.getByTestId('users-q').locator('input').fill(username)
  await page.getByTestId('users-search').click()
  await page.getByTestId('user-row-' + username).waitFor()
}

function userCall(page, method, suffix) {
  return page.waitForResponse((r) => r.request().method() === method && new URL(r.url()).pathname.endsWith(suffix))
}

async function confirmBox(page) {
  await page.locator('.el-message-box__btns .el-button--primary').click()
}

test('AUTH-1 ORG-2 admin creates a user, the one-time password is shown once; the new user must change it, then sees the home page', async () => {
  const page = await usersPage()
  const username = uniq('nu')
  await page.getByTestId('user-create').click()
  const dialog = page.getByTestId('user-dialog')
  await dialog.getByTestId('user-username').locator('input').fill(username)
  await dialog.getByTestId('user-display-name').locator('input').fill('新员工' + username.slice(-3))
  await dialog.getByTestId('user-unit').locator('.el-select__wrapper').click()
  await dialog.getByTestId('user-unit').locator('input').fill('801011')
  await page.locator('.unit-select-popper').getByTestId('unit-opt-801011').click()
  await dialog.getByTestId('user-position').locator('.el-select__wrapper').click()
  await page.getByTestId('position-opt-customer_manager').click()
  await dialog.getByTestId('user-reports-to').locator('.el-select__wrapper').click()
  await dialog.getByTestId('user-reports-to').locator('input').fill('branch001')
  await page.getByTestId('user-opt-branch001').click()
  await dialog.getByTestId('user-phone').locator('input').fill('13800001234')
  const [created] = await Promise.all([userCall(page, 'POST', '/api/v1/users'), dialog.getByTestId('user-save').click()])
  assert.equal(created.status(), 201, await created.text())
  const body = await created.json()
  assert.equal(body.user.unit.code, '801011')
  assert.equal(body.user.reports_to.display_name.length > 0, true)
  const otp = (await dialog.getByTestId('otp-value').innerText()).trim()
  assert.equal(otp, body.one_time_password)
  assert.match(await dialog.getByTestId('otp-box').innerText(), /只显示这一次/)
  await dialog.getByTestId('user-done').click()
  await dialog.waitFor({ state: 'hidden' })
  await findRow(page, username)
  await page.getByTestId('user-status-' + username).getByText('须改密').waitFor()
  await page.context().close()

  // the new user, in a fresh browser
  const context = await pcContext(browser)
  const user = await context.newPage()
  await user.goto(BASE + '/login')
  assert.equal((await submitLogin(user, username, otp)).status(), 200)
  await user.waitForURL((u) => u.pathname === '/password')
  await user.getByTestId('pw-forced').waitFor()
  // other pages stay closed: the router sends the user back, the server answers 403
  await user.getByTestId('menu-home').click()
  await user.waitForTimeout(200)
  assert.equal(pathOf(user), '/password')
  await user.goto(BASE + '/customers')
  await user.waitForURL((u) => u.pathname === '/password')
  const blocked = await user.request.get(BASE + '/api/v1/customers')
  assert.equal(blocked.status(), 403)
  assert.equal((await blocked.json()).error.code, 'auth.password_change_required')

  await user.goto(BASE + '/password')
  await user.getByTestId('pw-current').locator('input').fill(otp)
  await user.getByTestId('pw-new').locator('input').fill(STAFF_PASSWORD)
  await user.getByTestId('pw-confirm').locator('input').fill(STAFF_PASSWORD)
  await user.getByTestId('pw-submit').click()
  await user.waitForURL((u) => u.pathname === '/home')
  await user.getByTestId('welcome-name').getByText(body.user.display_name).waitFor()
  assert.equal((await user.request.get(BASE + '/api/v1/customers')).status(), 200)
  await context.close()
})

test('AUTH-1 ORG-2 AUTH-2 admin edits, resets the password of, disables, enables and unlocks a user', async () => {
  const staff = await makeStaff(admin, { positionCode: 'customer_manager', unitCode: '801011' })
  const page = await usersPage()
  await findRow(page, staff.username)

  // edit the name
  await page.getByTestId('user-edit-' + staff.username).click()
  const dialog = page.getByTestId('user-dialog')
  const name = '改名' + staff.username.slice(-4)
  await dialog.getByTestId('user-display-name').locator('input').fill(name)
  const [patched] = await Promise.all([userCall(page, 'PATCH', '/users/' + staff.user.id), dialog.getByTestId('user-save').click()])
  assert.equal(patched.status(), 200)
  await page.getByTestId('users-table').getByText(name).waitFor()

  // reset: the one-time password signs in and must be changed
  await page.getByTestId('user-reset-' + staff.username).click()
  const [reset] = await Promise.all([userCall(page, 'POST', '/reset-password'), confirmBox(page)])
  assert.equal(reset.status(), 200)
  const otp = (await page.getByTestId('otp-dialog').getByTestId('otp-value').innerText()).trim()
  assert.equal(otp, (await reset.json()).one_time_password)
  await page.getByTestId('otp-close').click()
  await page.getByTestId('user-status-' + staff.username).getByText('须改密').waitFor()
  const s = await apiSession(staff.username, otp)
  assert.equal(s.login.user.must_change_password, true)
  await s.close()

  // disable, then enable
  await page.getByTestId('user-more-' + staff.username).click()
  await page.getByTestId('user-disable-' + staff.username).click()
  await Promise.all([userCall(page, 'POST', '/disable'), confirmBox(page)])
  await page.getByTestId('user-status-' + staff.username).getByText('已停用').waitFor()
  const refused = await admin.ctx.post('/api/v1/auth/login', { data: { username: staff.username, password: otp } })
  assert.equal((await refused.json()).error.code, 'auth.user_disabled')
  await page.getByTestId('user-more-' + staff.username).click()
  await page.getByTestId('user-enable-' + staff.username).click()
  await Promise.all([userCall(page, 'POST', '/enable'), confirmBox(page)])
  await page.getByTestId('user-status-' + staff.username).getByText('正常').waitFor()

  // AUTH-2: five wrong passwords lock the account; unlock lifts it
  const probe = await apiSession()
  for (let i = 0; i < 5; i++) {
    await probe.ctx.post('/api/v1/auth/login', { data: { username: staff.username, password: 'wrong-pass-1' } })
  }
  await probe.close()
  await page.getByTestId('users-search').click()
  await page.getByTestId('user-status-' + staff.username).getByText('已锁定').waitFor()
  await page.getByTestId('user-more-' + staff.username).click()
  await page.getByTestId('user-unlock-' + staff.username).click()
  await Promise.all([userCall(page, 'POST', '/unlock'), confirmBox(page)])
  await page.getByTestId('user-status-' + staff.username).getByText('已锁定').waitFor({ state: 'detached' })
  const again = await apiSession(staff.username, otp)
  await again.close()
  await page.context().close()
})

test('ORG-7 admin hands cm00001\'s customers over to another custodian and sees the history row', async () => {
  const leaving = await userByName(admin, 'cm00001')
  const receiver = await makeStaff(admin, { positionCode: 'wealth_manager', unitCode: leaving.unit.code })
  const before = await admin.ok('GET', `/users/${leaving.id}/handover-preview`)

  const page = await usersPage()
  await findRow(page, 'cm00001')
  await page.getByTestId('user-more-cm00001').click()
  await page.getByTestId('user-handover-cm00001').click()
  const dialog = page.getByTestId('handover-dialog')
  await dialog.getByTestId('handover-count-customers').getByText(String(before.customers), { exact: true }).waitFor()
  await dialog.getByTestId('handover-to').locator('.el-select__wrapper').click()
  await dialog.getByTestId('handover-to').locator('input').fill(receiver.username)
  await page.getByTestId('user-opt-' + receiver.username).click()
  // keep cm00001's account open (other tests sign in with it)
  await dialog.getByTestId('handover-disable').locator('.el-checkbox').click()
  assert.equal(await dialog.getByTestId('handover-disable').locator('input').isChecked(), false)
  const [done] = await Promise.all([userCall(page, 'POST', '/handover'), dialog.getByTestId('handover-submit').click()])
  assert.equal(done.status(), 201, await done.text())
  const handover = await done.json()
  assert.equal(handover.customers, before.customers)
  assert.equal(handover.to.id, receiver.user.id)
  await page.locator('.el-message--success').waitFor()
  await page.getByTestId('user-status-cm00001').getByText('正常').waitFor()

  assert.equal((await admin.ok('GET', `/users/${leaving.id}/handover-preview`)).customers, 0)
  assert.equal((await admin.ok('GET', `/users/${receiver.user.id}/handover-preview`)).customers, before.customers)

  await page.getByTestId('menu-admin-handovers').click()
  await page.waitForURL((u) => u.pathname === '/admin/handovers')
  const row = page.getByTestId('handovers-table').locator('.el-table__row').filter({ hasText: receiver.user.display_name }).first()
  await row.waitFor()
  const text = await row.innerText()
  assert.ok(text.includes(leaving.display_name), text)
  assert.ok(text.includes(String(before.customers)), text)
  assert.ok(text.includes('系统管理员'), 'the admin is named as the one who did it')
  await page.context().close()
})
