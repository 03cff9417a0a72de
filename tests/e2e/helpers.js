// Shared helpers for the browser tests (not a test file itself).
// Environment:
//   FINCRM_URL       base URL of a running `fincrm serve` (default http://127.0.0.1:8123)
//   FINCRM_USER      demo login (default admin)
//   FINCRM_PASSWORD  its password (default Demo@2026)
//   CHROMIUM_PATH    browser binary (default /usr/bin/chromium, Debian's package)
import { mkdirSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { chromium } from 'playwright-core'

export const BASE = (process.env.FINCRM_URL || 'http://127.0.0.1:8123').replace(/\/+$/, '')
export const USER = process.env.FINCRM_USER || 'admin'
export const PASSWORD = process.env.FINCRM_PASSWORD || 'Demo@2026'
export const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out')

export const PC_VIEWPORT = { width: 1280, height: 800 }
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 ' +
    '(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
}

export async function launch() {
  await assertServer()
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

async function assertServer() {
  try {
    const res = await fetch(BASE + '/api/v1/version', { signal: AbortSignal.timeout(5000) })
    if (!res.ok) throw new Error('HTTP ' + res.status)
  } catch (e) {
    throw new Error(`no fincrm server answers at ${BASE} (${e.message}); ` +
      'start `fincrm serve --web web/dist` and set FINCRM_URL')
  }
}

/** A fresh browser context (empty cookies and localStorage) in the PC size, zh-CN. */
export function pcContext(browser, extra = {}) {
  return browser.newContext({ viewport: PC_VIEWPORT, locale: 'zh-CN', ...extra })
}

/** A fresh phone-sized touch context (390x844), zh-CN. */
export function phoneContext(browser, extra = {}) {
  return browser.newContext({ ...PHONE, locale: 'zh-CN', ...extra })
}

/** The <input> inside a login field (the test id sits on the field wrapper). */
export function loginInput(page, name) {
  return page.getByTestId('login-' + name).locator('input')
}

/** Fill the login form and submit; resolves with the /auth/login response. */
export async function submitLogin(page, username, password) {
  await loginInput(page, 'username').fill(username)
  await loginInput(page, 'password').fill(password)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login') && r.request().method() === 'POST'),
    page.getByTestId('login-submit').click(),
  ])
  return response
}

/** Open /login, sign in with the demo user and wait until the app left the login page. */
export async function login(page, username = USER, password = PASSWORD) {
  await page.goto(BASE + '/login')
  const response = await submitLogin(page, username, password)
  if (response.status() !== 200) {
    throw new Error(`login as ${username} failed: HTTP ${response.status()} ${await response.text()}`)
  }
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  return (await response.json()).user
}

export function screenshotPath(name) {
  mkdirSync(OUT_DIR, { recursive: true })
  return path.join(OUT_DIR, name)
}

export function pathOf(page) {
  return new URL(page.url()).pathname
}

/** AUTH-2: the answer of a captcha the server drew, read from its database (the file
 *  tests/e2e/run.sh passes as FINCRM_E2E_DB). */
export function captchaAnswer(id) {
  const db = process.env.FINCRM_E2E_DB
  assert.ok(db, 'FINCRM_E2E_DB is not set: run the browser tests through tests/e2e/run.sh')
  assert.match(id, /^[A-Za-z0-9_-]+$/)
  return execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, `SELECT answer FROM captchas WHERE id = '${id}'`],
    { encoding: 'utf8' }).trim()
}
