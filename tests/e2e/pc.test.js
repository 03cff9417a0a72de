// PC layout (Element Plus) at 1280x800: side menu, top bar, home, about, language.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, login, screenshotPath, pathOf } from './helpers.js'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

test('AUTH-1 login works and the PC side menu and top bar with the user name render (1280x800)', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  const user = await login(page)
  assert.equal(pathOf(page), '/home')
  const menu = page.getByTestId('pc-side-menu')
  await menu.waitFor()
  assert.equal((await page.getByTestId('menu-home').innerText()).trim(), '工作台')
  assert.match(await page.getByTestId('menu-system').innerText(), /系统/)
  assert.equal((await page.getByTestId('topbar-user').innerText()).trim(), user.display_name)
  assert.equal((await page.getByTestId('topbar-unit').innerText()).trim(), user.unit.name)
  await page.getByTestId('logout').waitFor()
  await page.getByTestId('lang-switch').waitFor()
  const welcome = await page.getByTestId('welcome-card').innerText()
  assert.ok(welcome.includes(user.display_name), 'welcome card names the user')
  assert.ok(welcome.includes(user.unit.name), 'welcome card names the unit')
  assert.ok(welcome.includes(user.position.name), 'welcome card names the position')
  await page.screenshot({ path: screenshotPath('pc-home.png'), animations: 'disabled' })

  // System → About shows version and database from GET /api/v1/version.
  const version = await (await page.request.get(BASE + '/api/v1/version')).json()
  await page.getByTestId('menu-system').locator('.el-sub-menu__title').click()
  await page.getByTestId('menu-about').click()
  await page.waitForURL((u) => u.pathname === '/about')
  await page.getByTestId('about-version').getByText(version.version).waitFor()
  assert.match(await page.getByTestId('about-database').innerText(), version.database === 'sqlite' ? /SQLite/ : /PostgreSQL/)
  assert.equal(await page.getByTestId('about-openapi').getAttribute('href'), '/api/v1/openapi.json')
  await page.screenshot({ path: screenshotPath('pc-about.png'), animations: 'disabled' })
  await context.close()
})

test('language switch to English changes the menu labels, is remembered and sent as Accept-Language', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('lang-switch').click()
  await page.getByTestId('lang-option-en').click()
  await page.getByTestId('menu-home').getByText('Home', { exact: true }).waitFor()
  assert.match(await page.getByTestId('menu-system').innerText(), /System/)
  assert.match(await page.getByTestId('logout').innerText(), /Log out/)
  assert.equal(await page.title(), 'Home · fincrm CRM')

  const [me] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/v1/auth/me')),
    page.reload(),
  ])
  assert.equal(me.headers()['accept-language'], 'en')
  await page.getByTestId('menu-home').getByText('Home', { exact: true }).waitFor()

  await page.getByTestId('lang-switch').click()
  await page.getByTestId('lang-option-zh-CN').click()
  await page.getByTestId('menu-home').getByText('工作台', { exact: true }).waitFor()
  await context.close()
})

test('switching to the phone version from the PC top bar is remembered', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)
  await page.getByTestId('switch-to-phone').click()
  await page.waitForURL((u) => u.pathname === '/m/alerts')
  await page.getByTestId('m-tabbar').waitFor()
  await page.reload()
  await page.getByTestId('m-tabbar').waitFor()
  assert.equal(pathOf(page), '/m/alerts')
  await context.close()
})
