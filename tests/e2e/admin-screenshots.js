// Screenshots of the admin pages for the docs (docs/screenshots/, PNG 1280x800).
// Not a test: run it against a fresh demo database, e.g.
//   build/fincrm demo --db sqlite:/tmp/shots.db --customers 200 --seed 7
//   build/fincrm serve --db sqlite:/tmp/shots.db --listen 127.0.0.1:8123 --web web/dist &
//   FINCRM_URL=http://127.0.0.1:8123 node tests/e2e/admin-screenshots.js
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { BASE, launch, pcContext, login } from './helpers.js'

const DOCS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'screenshots')
const browser = await launch()
try {
  const context = await pcContext(browser)
  const page = await context.newPage()
  await login(page)

  await page.goto(BASE + '/admin/roles')
  await page.getByTestId('role-item-branch_manager').click()
  await page.getByTestId('role-editor-title').getByText('支行管理岗').waitFor()
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(DOCS, 'pc-admin-roles.png'), animations: 'disabled' })

  await page.goto(BASE + '/admin/users')
  await page.getByTestId('user-row-admin').waitFor()
  await page.waitForTimeout(300)
  await page.screenshot({ path: path.join(DOCS, 'pc-admin-users.png'), animations: 'disabled' })
  console.log('wrote', path.join(DOCS, 'pc-admin-roles.png'), path.join(DOCS, 'pc-admin-users.png'))
} finally {
  await browser.close()
}
