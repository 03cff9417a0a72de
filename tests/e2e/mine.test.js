// MOB-2 the Mine tab and suggestions in the browser, AUTH-7 the audit log page: the
// phone user sees the days logged in and sends a suggestion, the admin answers it on
// PC, the phone user then reads the answer; the admin filters the audit log by that
// user and verifies the hash chain; the About page shows the QR code. Uses its own
// demo user (cm00006) so the other browser tests keep theirs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, launch, pcContext, phoneContext, login, screenshotPath, pathOf } from './helpers.js'

const USER = 'cm00006'
const TITLE = `客户列表希望按网点筛选 ${Date.now().toString(36)}`
const ANSWER = '已排入下个版本，感谢反馈。'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

test('MOB-2 phone: 我的 shows days logged in, outlet and credit id; 意见建议 sends a suggestion', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  await login(page, USER)
  await page.getByTestId('m-tab-mine').tap()
  await page.waitForURL((u) => u.pathname === '/m/mine')
  const days = page.getByTestId('m-mine-days')
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="m-mine-days"]')?.textContent.trim()))
  assert.ok(Number((await days.innerText()).trim()) >= 1, 'today\'s login counts')
  assert.match(await page.getByTestId('m-mine-credit-id').innerText(), /^C\d{8}$/)
  assert.ok((await page.getByTestId('m-mine-outlet').innerText()).trim().length > 1)
  for (const id of ['m-mine-profile-edit', 'm-mine-password', 'm-mine-security', 'm-mine-suggestions', 'm-mine-about']) {
    await page.getByTestId(id).waitFor()
  }
  await page.screenshot({ path: screenshotPath('phone-mine-summary.png'), animations: 'disabled' })

  await page.getByTestId('m-mine-suggestions').tap()
  await page.waitForURL((u) => u.pathname === '/m/suggestions')
  await page.getByTestId('m-sugg-submit').tap()
  await page.getByText('标题不能为空，且不超过 100 个字').waitFor()
  await page.getByTestId('m-sugg-kind-need').tap()
  await page.getByTestId('m-sugg-title').locator('input').fill(TITLE)
  await page.getByTestId('m-sugg-body').locator('textarea').fill('现在只能按姓名查。\n希望加上网点条件。')
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/suggestions') && r.request().method() === 'POST'),
    page.getByTestId('m-sugg-submit').tap(),
  ])
  assert.equal(res.status(), 201, await res.text())
  assert.equal((await res.json()).kind, 'need')
  await page.getByTestId('m-sugg-done').waitFor()
  const item = page.getByTestId('m-sugg-item').filter({ hasText: TITLE })
  await item.waitFor()
  assert.equal((await item.getByTestId('m-sugg-status').innerText()).trim(), '待处理')
  await context.close()
})

test('MOB-2 PC: the admin answers the suggestion in 系统管理 → 意见处理; the phone user sees the answer', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'admin')
  await page.getByTestId('menu-admin').locator('.el-sub-menu__title').click()
  await page.getByTestId('menu-admin-suggestions').click()
  await page.waitForURL((u) => u.pathname === '/admin/suggestions')
  const row = page.getByTestId('sa-table').locator('.el-table__row').filter({ hasText: TITLE })
  await row.waitFor()
  assert.match(await row.innerText(), /新需求/)
  assert.match(await row.innerText(), new RegExp(USER))
  await row.getByTestId('sa-answer').click()
  await page.getByTestId('sa-answer-text').locator('textarea').fill(ANSWER)
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/answer') && r.request().method() === 'POST'),
    page.getByTestId('sa-send').click(),
  ])
  assert.equal(res.status(), 200, await res.text())
  await row.getByText('已回复').waitFor()
  await page.screenshot({ path: screenshotPath('pc-admin-suggestions.png'), animations: 'disabled' })
  await context.close()

  const phone = await phoneContext(browser)
  const p = await phone.newPage()
  await login(p, USER)
  await p.goto(BASE + '/m/suggestions')
  const item = p.getByTestId('m-sugg-item').filter({ hasText: TITLE })
  await item.waitFor()
  assert.equal((await item.getByTestId('m-sugg-status').innerText()).trim(), '已回复')
  assert.match(await item.getByTestId('m-sugg-answer').innerText(), new RegExp(ANSWER))
  assert.match(await item.getByTestId('m-sugg-answer').innerText(), /系统管理员/)
  await p.screenshot({ path: screenshotPath('phone-suggestions.png'), animations: 'disabled' })
  await phone.close()
})

test('AUTH-7 PC: 审计日志 filters by user, shows before/after and verifies the hash chain', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, 'admin')
  await page.goto(BASE + '/admin/audit')
  await page.getByTestId('audit-table').locator('.el-table__row').first().waitFor()

  await page.getByTestId('audit-actor').locator('input').fill(USER)
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/audit?') && r.url().includes(`actor=${USER}`)),
    page.getByTestId('audit-search').click(),
  ])
  const body = await res.json()
  assert.ok(body.total >= 3, `logins and the suggestion of ${USER}: ${body.total}`)
  const actors = page.getByTestId('audit-row-actor')
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="audit-row-actor"]').length === n,
    Math.min(body.total, 20))
  for (const text of await actors.allInnerTexts()) assert.match(text, new RegExp(USER))

  // the suggestion: its detail holds `after`
  const created = page.getByTestId('audit-table').locator('.el-table__row').filter({ hasText: '提交意见建议' })
  await created.locator('.el-table__expand-icon').click()
  const detail = page.getByTestId('audit-detail').first()
  await detail.waitFor()
  assert.match(await detail.innerText(), /变更后/)
  assert.match(await detail.innerText(), new RegExp(TITLE))

  await page.getByTestId('audit-verify').click()
  const verified = page.getByTestId('audit-verify-result')
  await verified.waitFor()
  assert.match(await verified.innerText(), /哈希链完整/)
  await page.screenshot({ path: screenshotPath('pc-audit.png'), animations: 'disabled' })
  assert.equal(pathOf(page), '/admin/audit')
  await context.close()
})

test('MOB-2 关于 shows the QR code of the app\'s address (PC and phone)', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, USER)
  await page.goto(BASE + '/about')
  const qr = page.getByTestId('about-qr')
  await qr.getByText('扫码在手机上打开').waitFor()
  const img = qr.locator('img')
  assert.equal(await img.getAttribute('src'), `/api/v1/about/qr.svg?url=${encodeURIComponent(BASE)}`)
  await page.waitForFunction(() => document.querySelector('[data-testid="about-qr"] img')?.naturalWidth > 0)
  await context.close()

  const phone = await phoneContext(browser)
  const p = await phone.newPage()
  await login(p, USER)
  await p.goto(BASE + '/m/about')
  await p.getByTestId('m-about-qr').getByText('扫码在手机上打开').waitFor()
  await p.waitForFunction(() => document.querySelector('[data-testid="m-about-qr"] img')?.naturalWidth > 0)
  await phone.close()
})

test('AUTH-1 个人中心 (PC) and 个人资料 (phone): the summary, a bad phone refused, name and phone saved', async () => {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page, USER)
  await page.getByTestId('menu-system').locator('.el-sub-menu__title').click()
  await page.getByTestId('menu-profile').click()
  await page.waitForURL((u) => u.pathname === '/profile')
  await page.waitForFunction(() => /^\d+$/.test(document.querySelector('[data-testid="profile-days"]')?.textContent.trim()))
  assert.match(await page.getByTestId('profile-credit-id').innerText(), /^C\d{8}$/)
  const phone = page.getByTestId('profile-phone-input').locator('input')
  await phone.fill('0571-888')
  await page.getByTestId('profile-submit').click()
  await page.getByTestId('profile-phone-input').getByText('11 位手机号码').waitFor()
  await phone.fill('0571-88886666')
  await page.getByTestId('profile-name').locator('input').fill('李四海')
  await page.getByTestId('profile-submit').click()
  await page.getByTestId('profile-done').waitFor()
  assert.equal((await page.getByTestId('profile-phone').innerText()).trim(), '0571-88886666')
  assert.equal((await page.getByTestId('topbar-user').innerText()).trim(), '李四海', 'the top bar follows')
  await page.screenshot({ path: screenshotPath('pc-profile.png'), animations: 'disabled' })
  await context.close()

  const mobile = await phoneContext(browser)
  const p = await mobile.newPage()
  await login(p, USER)
  await p.goto(BASE + '/m/mine')
  await p.getByTestId('m-mine-profile-edit').tap()
  await p.waitForURL((u) => u.pathname === '/m/profile')
  const field = p.getByTestId('m-profile-phone').locator('input')
  await p.waitForFunction(() => document.querySelector('[data-testid="m-profile-phone"] input')?.value === '0571-88886666')
  await field.fill('1234')
  await p.getByTestId('m-profile-submit').tap()
  await p.getByTestId('m-profile-phone').getByText('11 位手机号码').waitFor()
  await field.fill('13912345678')
  await p.getByTestId('m-profile-submit').tap()
  await p.getByTestId('m-profile-done').waitFor()
  await p.goto(BASE + '/m/mine')
  await p.getByTestId('m-mine-name').getByText('李四海').waitFor()
  await mobile.close()
})
