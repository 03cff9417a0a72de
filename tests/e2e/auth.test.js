// Login and logout in the browser (AUTH-1, AUTH-3).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, USER, PASSWORD, launch, pcContext, loginInput, submitLogin, login, pathOf } from './helpers.js'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

test('AUTH-1 empty username/password are rejected in the browser with clear messages', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  let loginRequests = 0
  page.on('request', (r) => { if (r.url().endsWith('/api/v1/auth/login')) loginRequests++ })
  await page.goto(BASE + '/login')
  await page.getByTestId('login-submit').click()
  await page.getByTestId('login-username').getByText('请输入用户名').waitFor()
  await page.getByTestId('login-password').getByText('请输入密码').waitFor()
  await loginInput(page, 'username').fill(USER)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('login-password').getByText('请输入密码').waitFor()
  assert.equal(loginRequests, 0, 'nothing is sent while a field is empty')
  await context.close()
})

test('AUTH-1 login with a wrong password shows the server error message', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await page.goto(BASE + '/login')
  assert.equal(await page.title(), 'fincrm 客户关系管理')
  // A single failed attempt (AUTH-2 locks after 5; the next successful login resets the count).
  const response = await submitLogin(page, USER, PASSWORD + '-wrong')
  assert.equal(response.status(), 401)
  assert.equal(response.request().headers()['accept-language'], 'zh-CN')
  const body = await response.json()
  assert.equal(body.error.code, 'auth.invalid_credentials')
  const shown = page.getByTestId('login-error')
  await shown.waitFor()
  assert.equal((await shown.innerText()).trim(), body.error.message)
  assert.match(body.error.message, /[\u4e00-\u9fff]/, 'zh-CN message by default')
  assert.equal(pathOf(page), '/login')
  await context.close()
})

test('AUTH-3 logout ends the session and returns to the login page', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  assert.equal((await page.request.get(BASE + '/api/v1/auth/me')).status(), 200)
  const [logoutResponse] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout')),
    page.getByTestId('logout').click(),
  ])
  assert.equal(logoutResponse.status(), 204)
  assert.ok(logoutResponse.request().headers()['x-csrf-token'], 'logout carries X-CSRF-Token')
  await page.waitForURL((u) => u.pathname === '/login')
  await page.getByTestId('login-submit').waitFor()
  assert.equal((await page.request.get(BASE + '/api/v1/auth/me')).status(), 401)
  // The old page is no longer reachable.
  await page.goto(BASE + '/home')
  await page.waitForURL((u) => u.pathname === '/login')
  await context.close()
})

test('AUTH-3 a deep link without a session goes to login and back to the page after login', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await page.goto(BASE + '/about')
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('redirect') === '/about')
  await submitLogin(page, USER, PASSWORD)
  await page.waitForURL((u) => u.pathname === '/about')
  await page.getByTestId('about-version').waitFor()
  await context.close()
})
