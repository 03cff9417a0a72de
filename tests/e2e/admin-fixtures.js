// Setup for the admin browser tests (not a test file itself): API sessions and
// throwaway roles, positions and users, so each test owns what it changes and the
// tests stay independent of each other and of their order.
import { request } from 'playwright-core'
import { BASE, USER, PASSWORD } from './helpers.js'

export const STAFF_PASSWORD = 'E2e-Staff-2026'

let seq = 0
/** A short unique suffix for codes and usernames (letters and digits). */
export function uniq(prefix) {
  seq += 1
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${seq}`.toLowerCase()
}

/** A signed-in API session: call(method, path, body) → {status, body}. */
export async function apiSession(username = USER, password = PASSWORD) {
  const ctx = await request.newContext({ baseURL: BASE, extraHTTPHeaders: { Accept: 'application/json' } })
  const res = await ctx.post('/api/v1/auth/login', { data: { username, password } })
  const login = await res.json()
  if (res.status() !== 200) throw new Error(`API login as ${username}: ${res.status()} ${JSON.stringify(login)}`)
  const csrf = login.csrf_token
  async function call(method, path, body) {
    const r = await ctx.fetch('/api/v1' + path, {
      method,
      headers: { 'X-CSRF-Token': csrf },
      data: body === undefined ? undefined : body,
    })
    const text = await r.text()
    return { status: r.status(), body: text ? JSON.parse(text) : null }
  }
  async function ok(method, path, body) {
    const r = await call(method, path, body)
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  return { ctx, login, call, ok, close: () => ctx.dispose() }
}

/** A unit by its code (from the flat org list). */
export async function unitByCode(admin, code) {
  const units = (await admin.ok('GET', '/org/units')).items
  const u = units.find((x) => x.code === code)
  if (!u) throw new Error('no unit ' + code)
  return u
}

/** A user by username (admin scope is all). */
export async function userByName(admin, username) {
  const items = (await admin.ok('GET', '/users?q=' + encodeURIComponent(username) + '&size=100')).items
  const u = items.find((x) => x.username === username)
  if (!u) throw new Error('no user ' + username)
  return u
}

/**
 * A role with the given permissions/scope/field rules, a position mapped to it and
 * a user holding that position whose one-time password was already changed to
 * STAFF_PASSWORD. Returns {role, position, user, username, password}.
 */
export async function makeStaff(admin, { permissions, scope = 'all', fields, unitCode = '800000', custodian = false,
  positionCode } = {}) {
  const tag = uniq('e2e')
  let position
  let role = null
  if (positionCode) {
    position = (await admin.ok('GET', '/positions')).items.find((p) => p.code === positionCode)
  } else {
    role = await admin.ok('POST', '/roles', {
      code: tag, name: '测试角色' + tag.slice(-5), data_scope: scope, permissions, ...(fields ? { fields } : {}),
    })
    position = await admin.ok('POST', '/positions',
      { code: tag, name: '测试职位' + tag.slice(-5), role_id: role.id, is_custodian: custodian })
  }
  const unit = await unitByCode(admin, unitCode)
  const created = await admin.ok('POST', '/users', {
    username: tag, display_name: '测试' + tag.slice(-4), unit_id: unit.id, position_id: position.id,
  })
  const first = await apiSession(tag, created.one_time_password)
  await first.ok('POST', '/auth/password', { current_password: created.one_time_password, new_password: STAFF_PASSWORD })
  await first.close()
  return { role, position, user: created.user, username: tag, password: STAFF_PASSWORD }
}
