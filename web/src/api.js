// API client for /api/v1 (see docs/api-contract.md).
// - JSON in and out, cookies of this origin only (credentials: 'same-origin').
// - State-changing requests carry X-CSRF-Token (the token from login / me).
// - Accept-Language follows the UI language so server messages match it.
// - Error bodies {"error":{"code","message","field"}} become ApiError with the
//   server's message; 401 auth.unauthenticated calls the registered handler
//   (the router sends the user to the login page).
// - 403 auth.step_up_required (AUTH-5) calls the registered step-up handler (the
//   password dialog of useStepUp.js) and, once the password is confirmed, repeats
//   the request once: every page gets step-up by just calling the API.
import { currentLocale, t } from './i18n.js'

export const API_BASE = '/api/v1'

let csrfToken = null
let unauthenticatedHandler = null
let stepUpHandler = null

export function setCsrfToken(token) {
  csrfToken = token || null
}

export function onUnauthenticated(fn) {
  unauthenticatedHandler = fn
}

/** fn(err) → Promise<boolean>: true once the password is confirmed (then the request is repeated). */
export function onStepUpRequired(fn) {
  stepUpHandler = fn
}

export class ApiError extends Error {
  constructor({ status, code, message, field = null, requestId = null, captchaRequired = false, retryAfter = null }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.requestId = requestId
    this.captchaRequired = captchaRequired // AUTH-2: the next login needs a captcha
    this.retryAfter = retryAfter // seconds, with 429
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * request('GET', '/auth/me') → parsed JSON body (null for 204).
 * options.handle401 = false: do not redirect to login on auth.unauthenticated.
 * options.stepUp = false: do not ask for the password on auth.step_up_required.
 * options.raw = a File/Blob: sent as the body as it is (uploads), instead of JSON.
 */
export async function request(method, path, body, options = {}) {
  const { handle401 = true, stepUp = true, signal, raw } = options
  method = method.toUpperCase()
  const headers = {
    Accept: 'application/json',
    'Accept-Language': currentLocale() === 'en' ? 'en' : 'zh-CN',
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (raw !== undefined) headers['Content-Type'] = raw.type || 'application/octet-stream' // a file as it is
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken

  let res
  try {
    res = await fetch(API_BASE + path, {
      method,
      headers,
      body: raw !== undefined ? raw : body !== undefined ? JSON.stringify(body) : undefined,
      credentials: 'same-origin',
      cache: 'no-store',
      signal,
    })
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError({ status: 0, code: 'network.unreachable', message: t('common.networkError') })
  }

  const requestId = res.headers.get('X-Request-Id')
  if (res.status === 204) return null
  const text = await res.text()
  let data = null
  if (text) {
    try { data = JSON.parse(text) } catch { data = null }
  }

  if (!res.ok) {
    const e = data && typeof data === 'object' && data.error ? data.error : null
    const err = new ApiError({
      status: res.status,
      code: e?.code || 'http.' + res.status,
      message: e?.message || t('common.serverError', { status: res.status }),
      field: e?.field ?? null,
      requestId: e?.request_id || requestId,
      captchaRequired: e?.captcha_required === true,
      retryAfter: res.headers.get('Retry-After') ? Number(res.headers.get('Retry-After')) : null,
    })
    if (res.status === 401 && err.code === 'auth.unauthenticated') {
      setCsrfToken(null)
      if (handle401 && unauthenticatedHandler) unauthenticatedHandler(err)
    }
    if (res.status === 403 && err.code === 'auth.step_up_required' && stepUp && stepUpHandler) {
      if (await stepUpHandler(err)) return request(method, path, body, { ...options, stepUp: false })
    }
    throw err
  }
  if (text && data === null) {
    throw new ApiError({ status: res.status, code: 'response.invalid_json',
      message: t('common.serverError', { status: res.status }), requestId })
  }
  return data
}

/** POST a file as the raw request body (CUS-3 attachments: name in the path's query). */
export function uploadFile(path, file, options = {}) {
  return request('POST', path, undefined, { ...options, raw: file })
}

export const api = {
  get: (path, options) => request('GET', path, undefined, options),
  post: (path, body, options) => request('POST', path, body, options),
  put: (path, body, options) => request('PUT', path, body, options),
  patch: (path, body, options) => request('PATCH', path, body, options),
  delete: (path, options) => request('DELETE', path, undefined, options),
}

export default api
