// AUTH-1 changing one's own password in the browser, on PC (System → 修改密码) and on
// the phone (我的 → 修改密码): the rule is explained, a wrong current password is shown
// on its field, and after a change the new password signs in. Uses its own demo users
// so the other browser tests keep theirs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, PASSWORD, launch, pcContext, phoneContext, login, submitLogin, pathOf } from './helpers.js'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

const NEW = 'Changed-2026!'

test('AUTH-1 PC: System → 修改密码 refuses a wrong current password and then changes it', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'county01')
  await page.getByTestId('menu-system').locator('.el-sub-menu__title').click()
  await page.getByTestId('menu-password').click()
  await page.waitForURL((u) => u.pathname === '/password')

  await page.getByTestId('pw-current').locator('input').fill('not-it-123')
  await page.getByTestId('pw-new').locator('input').fill(NEW)
  await page.getByTestId('pw-confirm').locator('input').fill(NEW)
  await page.getByTestId('pw-submit').click()
  await page.getByText('当前密码不正确').waitFor()

  await page.getByTestId('pw-current').locator('input').fill(PASSWORD)
  await page.getByTestId('pw-submit').click()
  await page.getByTestId('pw-done').waitFor()
  await context.close()

  const again = await (await pcContext(browser)).newPage()
  await again.goto(BASE + '/login')
  assert.equal((await submitLogin(again, 'county01', PASSWORD)).status(), 401, 'the old password no longer works')
  assert.equal((await submitLogin(again, 'county01', NEW)).status(), 200)
  await again.context().close()
})

test('AUTH-1 MOB-1 phone: 我的 → 修改密码 checks the rule in the browser and changes the password', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page, 'branch001')
  await page.goto(BASE + '/m/mine')
  await page.getByTestId('m-mine-password').click()
  await page.waitForURL((u) => u.pathname === '/m/password')

  await page.getByTestId('m-pw-current').locator('input').fill(PASSWORD)
  await page.getByTestId('m-pw-new').locator('input').fill('onlyletters')
  await page.getByTestId('m-pw-confirm').locator('input').fill('onlyletters')
  await page.getByTestId('m-pw-submit').click()
  await page.getByText('至少 8 位，须同时包含字母和数字').first().waitFor()
  assert.equal(pathOf(page), '/m/password')

  await page.getByTestId('m-pw-new').locator('input').fill(NEW)
  await page.getByTestId('m-pw-confirm').locator('input').fill(NEW)
  await page.getByTestId('m-pw-submit').click()
  await page.getByTestId('m-pw-done').waitFor()
  await context.close()
})
