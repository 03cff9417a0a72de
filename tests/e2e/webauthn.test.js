// AUTH-6 biometric login on the phone, in Chromium with a virtual platform
// authenticator (CDP WebAuthn domain: internal transport, user verification): sign in
// with the password, 我的 → 安全中心, switch 指纹/面容登录 on, log out, sign in with the
// button, switch it off again. WebAuthn needs a secure context and a host name as rp
// id, so this test opens the app at http://localhost:PORT (the server listens on
// 127.0.0.1; localhost is a secure context). Uses its own demo user.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, PASSWORD, launch, phoneContext, submitLogin, screenshotPath, pathOf } from './helpers.js'

const LOCAL = BASE.replace('://127.0.0.1', '://localhost')
const USER = 'cm00003'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

async function logout(page) {
  await page.goto(LOCAL + '/m/mine')
  await page.getByTestId('m-logout').click()
  await page.waitForURL((u) => u.pathname === '/login')
}

test('AUTH-6 MOB-1 phone: 安全中心 switches on fingerprint/face login, the login page then signs in with it; switched off it is gone', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
    },
  })

  await page.goto(LOCAL + '/login')
  assert.equal(await page.getByTestId('login-biometric').count(), 0, 'no biometric button before it is switched on')
  assert.equal((await submitLogin(page, USER, PASSWORD)).status(), 200)
  await page.waitForURL((u) => u.pathname === '/m/alerts')

  await page.goto(LOCAL + '/m/mine')
  await page.getByTestId('m-mine-security').click()
  await page.waitForURL((u) => u.pathname === '/m/security')
  await page.getByText('指纹/面容登录').first().waitFor()
  await page.getByTestId('m-security-empty').waitFor()
  const sw = page.getByTestId('m-security-switch')
  assert.equal(await sw.getAttribute('aria-checked'), 'false')

  const [reg] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/webauthn/register/finish')),
    sw.click(),
  ])
  assert.equal(reg.status(), 201, await reg.text())
  await page.getByTestId('m-security-device').waitFor()
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="m-security-switch"]')?.getAttribute('aria-checked') === 'true')
  assert.match(await page.getByTestId('m-security-device').innerText(), /本机/)
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
  assert.equal(credentials.length, 1, 'the platform authenticator holds one credential')
  await page.screenshot({ path: screenshotPath('phone-security.png') })

  // signed out, the login page offers fingerprint/face for this user
  await logout(page)
  const button = page.getByTestId('login-biometric')
  await button.waitFor()
  assert.match(await button.innerText(), new RegExp(`指纹/面容登录.*${USER}`))
  await page.screenshot({ path: screenshotPath('phone-login-biometric.png') })
  const [fin] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/webauthn/login/finish')),
    button.click(),
  ])
  assert.equal(fin.status(), 200, await fin.text())
  await page.waitForURL((u) => u.pathname === '/m/alerts')
  await page.goto(LOCAL + '/m/mine')
  await page.getByTestId('m-mine-name').waitFor()

  // switch it off: the device is removed on the server and the button disappears
  await page.getByTestId('m-mine-security').click()
  await page.getByTestId('m-security-device').waitFor()
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="m-security-switch"]')?.getAttribute('aria-checked') === 'true')
  const [off] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().includes('/api/v1/auth/webauthn/credentials/')),
    page.getByTestId('m-security-switch').click(),
  ])
  assert.equal(off.status(), 204)
  await page.getByTestId('m-security-empty').waitFor()
  assert.equal(await page.getByTestId('m-security-switch').getAttribute('aria-checked'), 'false')
  await logout(page)
  await page.getByTestId('login-submit').waitFor()
  assert.equal(await page.getByTestId('login-biometric').count(), 0, 'no button once switched off')
  assert.equal(pathOf(page), '/login')
  await context.close()
})

test('AUTH-6 phone: a device can be deleted from the list in 安全中心', async () => {
  const context = await phoneContext(browser)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
    },
  })
  await page.goto(LOCAL + '/login')
  assert.equal((await submitLogin(page, USER, PASSWORD)).status(), 200)
  await page.waitForURL((u) => u.pathname === '/m/alerts')
  await page.goto(LOCAL + '/m/security')
  await page.getByTestId('m-security-empty').waitFor()
  await page.getByTestId('m-security-switch').click()
  await page.getByTestId('m-security-device').waitFor()
  await page.getByTestId('m-security-remove').click()
  await page.locator('.van-dialog__confirm').click()
  await page.getByTestId('m-security-empty').waitFor()
  assert.equal(await page.getByTestId('m-security-switch').getAttribute('aria-checked'), 'false')
  assert.equal(await page.evaluate(() => localStorage.getItem('fincrm.webauthn')), null, 'this phone forgot it')
  await context.close()
})
