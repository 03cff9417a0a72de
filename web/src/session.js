// The signed-in user (from POST /auth/login and GET /auth/me) and the CSRF token.
import { reactive } from 'vue'
import { api, setCsrfToken } from './api.js'
import { biometricAssertion } from './webauthn.js'

export const session = reactive({
  user: null,
  probed: false, // GET /auth/me tried once on the way to the login page
})

function accept(data) {
  session.user = data?.user ? { ...data.user, access: data.access || null } : null
  setCsrfToken(data?.csrf_token)
  return session.user
}

export function clearSession() {
  session.user = null
  setCsrfToken(null)
}

export async function login(username, password) {
  return accept(await api.post('/auth/login', { username, password }, { handle401: false }))
}

// AUTH-6: the same session as a password login, from a fingerprint or face.
export async function loginWithBiometrics(username) {
  return accept(await biometricAssertion(username))
}

export async function loadMe() {
  return accept(await api.get('/auth/me', { handle401: false }))
}

export async function logout() {
  try {
    await api.post('/auth/logout', undefined, { handle401: false })
  } catch {
    // The session may already have expired; the user is logged out locally anyway.
  } finally {
    clearSession()
  }
}
