// Login security in the browser: the captcha after 3 failures (AUTH-2), the lockout
// message, and logging out on every device with a password confirmation (AUTH-3,
// AUTH-5). The captcha's answer is read from the server's database, whose file
// tests/e2e/run.sh passes as FINCRM_E2E_DB.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, PASSWORD, launch, pcContext, phoneContext, loginInput, submitLogin, login, captchaAnswer } from './helpers.js'
import { apiSession, makeStaff } from './admin-fixtures.js'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

// Follows the captchas the page loads; latest() is the one on screen.
function trackCaptchas(page) {
  const ids = []
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/v1/auth/captcha') && r.status() === 200) ids.push((await r.json()).captcha_id)
  })
  return {
    count: () => ids.length,
    async waitFor(n) {
      for (let i = 0; i < 100 && ids.length < n; i++) await new Promise((res) => setTimeout(res, 50))
      assert.ok(ids.length >= n, `expected ${n} captcha(s), saw ${ids.length}`)
      return ids[ids.length - 1]
    },
  }
}

test('AUTH-2 PC: after 3 failed logins a captcha appears; solved with the right password, the user is in', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  const captchas = trackCaptchas(page)
  await page.goto(BASE + '/login')
  for (let i = 1; i <= 2; i++) {
    assert.equal((await submitLogin(page, 'cm00031', 'Wrong-pass-1')).status(), 401)
    assert.equal(await page.getByTestId('login-captcha').count(), 0, `no captcha after ${i} failure(s)`)
  }
  assert.equal((await submitLogin(page, 'cm00031', 'Wrong-pass-1')).status(), 401)
  await page.getByTestId('login-captcha-image').waitFor()
  let id = await captchas.waitFor(1)
  // A click on the image draws another one.
  await page.getByTestId('login-captcha-image').click()
  id = await captchas.waitFor(2)
  // Without the answer the browser asks for it first.
  await loginInput(page, 'password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('login-captcha').getByText('请输入验证码').waitFor()

  await loginInput(page, 'captcha').fill(captchaAnswer(id).toLowerCase())
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
    page.getByTestId('login-submit').click(),
  ])
  assert.equal(response.status(), 200, await response.text())
  const sent = JSON.parse(response.request().postData())
  assert.equal(sent.captcha_id, id)
  assert.match(sent.device_key, /^[A-Za-z0-9_-]{43}$/, 'the browser sends its device key (AUTH-4)')
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await context.close()
})

test('AUTH-2 PC: a wrong captcha and then the lockout show the server messages', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  const captchas = trackCaptchas(page)
  await page.goto(BASE + '/login')
  for (let i = 0; i < 3; i++) await submitLogin(page, 'cm00032', 'Wrong-pass-1')
  let id = await captchas.waitFor(1)
  await loginInput(page, 'captcha').fill('XXXXX' === captchaAnswer(id) ? 'YYYYY' : 'XXXXX')
  const wrong = await submitLogin(page, 'cm00032', PASSWORD)
  assert.equal((await wrong.json()).error.code, 'auth.captcha_wrong')
  await page.getByTestId('login-captcha').getByText('验证码错误或已过期').waitFor()
  id = await captchas.waitFor(2) // a new image after the failed try

  for (let n = 4; n <= 5; n++) {
    await loginInput(page, 'captcha').fill(captchaAnswer(id))
    const r = await submitLogin(page, 'cm00032', 'Wrong-pass-1')
    const body = await r.json()
    if (n === 5) {
      assert.equal(r.status(), 403)
      assert.equal(body.error.code, 'auth.account_locked')
      const shown = page.getByTestId('login-error')
      await shown.getByText('账号已锁定').waitFor()
      assert.equal((await shown.innerText()).trim(), body.error.message)
    } else {
      assert.equal(body.error.code, 'auth.invalid_credentials')
      id = await captchas.waitFor(n - 1)
    }
  }
  await context.close()
})

test('AUTH-3 PC: 退出所有设备 asks for the password (AUTH-5) and ends the sessions on every device', async () => {
  const other = await pcContext(browser)
  const otherPage = await other.newPage()
  await login(otherPage, 'cm00033')
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'cm00033')

  await page.getByTestId('user-menu').click()
  await page.getByTestId('logout-all').click()
  const dialog = page.getByTestId('step-up-password')
  await dialog.waitFor()
  await dialog.locator('input').fill('Wrong-pass-1')
  await page.getByTestId('step-up-confirm').click()
  await dialog.getByText('当前密码不正确').waitFor()
  await dialog.locator('input').fill(PASSWORD)
  const [stepUp, logoutAll] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/step-up') && r.status() === 200),
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout-all') && r.status() === 204),
    page.getByTestId('step-up-confirm').click(),
  ])
  assert.ok(stepUp.ok() && logoutAll.ok())
  await page.waitForURL((u) => u.pathname === '/login')
  assert.equal((await otherPage.request.get(BASE + '/api/v1/auth/me')).status(), 401, 'the other device is out too')
  await context.close()
  await other.close()
})

test('AUTH-3 phone: 我的 → 退出所有设备 with the password dialog', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page, 'cm00034')
  await page.goto(BASE + '/m/mine')
  await page.getByTestId('m-logout-all').click()
  const field = page.getByTestId('m-step-up-password')
  await field.waitFor()
  await field.locator('input').fill(PASSWORD)
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout-all') && r.status() === 204),
    page.locator('.m-step-up .van-dialog__confirm').click(),
  ])
  await page.waitForURL((u) => u.pathname === '/login')
  await context.close()
})

test('AUTH-4 PC: 用户管理 → 设备绑定 switches binding on after the password (AUTH-5); the next browser binds, another is refused', async () => {
  const admin = await apiSession()
  const staff = await makeStaff(admin, { positionCode: 'customer_manager', unitCode: '801011' })
  await admin.close()
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.goto(BASE + '/admin/users')
  await page.getByTestId('users-q').locator('input').fill(staff.username)
  await page.getByTestId('users-search').click()
  await page.getByTestId('user-row-' + staff.username).waitFor()
  await page.getByTestId('user-more-' + staff.username).click()
  await page.getByTestId('user-device-' + staff.username).click()
  const dialog = page.getByTestId('device-dialog')
  await dialog.getByTestId('device-binding-switch').click()
  await page.getByTestId('step-up-password').locator('input').fill(PASSWORD)
  const [set] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/api/v1/users/${staff.user.id}/device`) && r.request().method() === 'POST'),
    page.getByTestId('step-up-confirm').click(),
  ])
  assert.equal(set.status(), 200, await set.text())
  await dialog.getByTestId('device-binding-status').getByText('未绑定').waitFor()
  await page.keyboard.press('Escape')
  await page.getByTestId('user-status-' + staff.username).getByText('待绑定设备').waitFor()

  const first = await pcContext(browser)
  await login(await first.newPage(), staff.username, staff.password) // binds this browser
  const other = await pcContext(browser)
  const otherPage = await other.newPage()
  await otherPage.goto(BASE + '/login')
  const refused = await submitLogin(otherPage, staff.username, staff.password)
  assert.equal(refused.status(), 403)
  await otherPage.getByTestId('login-error').getByText('该账号已绑定其他设备，请联系管理员解绑').waitFor()

  await page.getByTestId('users-search').click()
  await page.getByTestId('user-status-' + staff.username).getByText('已绑定设备').waitFor()
  await Promise.all([context.close(), first.close(), other.close()])
})
