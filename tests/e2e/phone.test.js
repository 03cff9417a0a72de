// Phone layout (Vant) at 390x844 with touch: three tabs 提醒 / 服务 / 我的 (MOB-1).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, phoneContext, login, screenshotPath, pathOf } from './helpers.js'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

test('MOB-1 phone shows exactly three tabs 提醒/服务/我的 and switching tabs works', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await page.goto(BASE + '/login')
  await page.locator('.van-field').first().waitFor() // the phone (Vant) login page
  await page.screenshot({ path: screenshotPath('phone-login.png'), animations: 'disabled' })
  const user = await login(page)
  assert.equal(pathOf(page), '/m/alerts')

  const tabbar = page.getByTestId('m-tabbar')
  await tabbar.waitFor()
  assert.equal(await tabbar.locator('.van-tabbar-item').count(), 3)
  assert.equal((await page.getByTestId('m-tab-alerts').innerText()).trim(), '提醒')
  assert.equal((await page.getByTestId('m-tab-services').innerText()).trim(), '服务')
  assert.equal((await page.getByTestId('m-tab-mine').innerText()).trim(), '我的')
  await page.getByTestId('m-alerts-empty').getByText('暂无提醒').waitFor()

  await page.getByTestId('m-tab-services').tap()
  await page.waitForURL((u) => u.pathname === '/m/services')
  await page.getByTestId('m-service-about').waitFor()
  assert.match(await page.getByTestId('m-tab-services').getAttribute('class'), /van-tabbar-item--active/)

  await page.getByTestId('m-service-about').tap()
  await page.waitForURL((u) => u.pathname === '/m/about')
  const version = await (await page.request.get(BASE + '/api/v1/version')).json()
  await page.getByTestId('m-about-version').getByText(version.version).waitFor()
  await page.goBack()
  await page.waitForURL((u) => u.pathname === '/m/services')

  await page.getByTestId('m-tab-mine').tap()
  await page.waitForURL((u) => u.pathname === '/m/mine')
  assert.equal((await page.getByTestId('m-mine-name').innerText()).trim(), user.display_name)
  assert.equal((await page.getByTestId('m-mine-position').innerText()).trim(), user.position.name)
  assert.match(await page.getByTestId('m-mine-unit').innerText(), new RegExp(user.unit.name))
  await page.getByTestId('m-lang-switch').waitFor()
  await page.getByTestId('m-switch-to-pc').waitFor()
  await page.getByTestId('m-logout').waitFor()
  await page.screenshot({ path: screenshotPath('phone-mine.png'), animations: 'disabled' })

  await page.getByTestId('m-tab-alerts').tap()
  await page.waitForURL((u) => u.pathname === '/m/alerts')
  await context.close()
})

test('MOB-1 language switch in 我的 turns the tabs to English', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('m-tab-mine').tap()
  await page.getByTestId('m-lang-switch').tap()
  await page.locator('.m-lang-option-en').tap()
  await page.getByTestId('m-tab-alerts').getByText('Alerts', { exact: true }).waitFor()
  assert.equal((await page.getByTestId('m-tab-services').innerText()).trim(), 'Services')
  assert.equal((await page.getByTestId('m-tab-mine').innerText()).trim(), 'Mine')
  await context.close()
})

test('AUTH-3 MOB-1 phone logout from 我的 returns to the login page', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('m-tab-mine').tap()
  await page.getByTestId('m-logout').tap()
  await page.waitForURL((u) => u.pathname === '/login')
  await page.getByTestId('login-submit').waitFor()
  assert.equal((await page.request.get(BASE + '/api/v1/auth/me')).status(), 401)
  await context.close()
})

test('MOB-1 "switch to PC version" on the phone shows the PC layout', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('m-tab-mine').tap()
  await page.getByTestId('m-switch-to-pc').tap()
  await page.waitForURL((u) => u.pathname === '/home')
  await page.getByTestId('pc-side-menu').waitFor()
  await context.close()
})
