// Biometric login (AUTH-6): the browser's WebAuthn API with the server's JSON
// options, where binary values travel as base64url text. This phone remembers in
// localStorage which user switched biometric login on here (and the device's id on
// the server), so that the login page can offer the button.
import { api } from './api.js'

const STORE_KEY = 'fincrm.webauthn'

export function toBuffer(b64url) {
  const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/')
  const bin = atob(b64 + '==='.slice((b64.length + 3) % 4))
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out.buffer
}

export function toBase64url(buf) {
  const bytes = new Uint8Array(buf)
  let bin = ''
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i])
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** The browser can do WebAuthn at all (a secure context with the API). */
export function webauthnSupported() {
  return typeof window !== 'undefined' && !!window.PublicKeyCredential && !!navigator.credentials
}

/** {username, credentialId} of the user who switched biometric login on here, or null. */
export function rememberedBiometric() {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) || 'null')
    return v && typeof v.username === 'string' && v.username ? v : null
  } catch {
    return null
  }
}

export function rememberBiometric(username, credentialId) {
  localStorage.setItem(STORE_KEY, JSON.stringify({ username, credentialId }))
}

export function forgetBiometric() {
  localStorage.removeItem(STORE_KEY)
}

/** A short name for this phone, from its user agent ("iPhone", "Android", …). */
export function deviceName() {
  const ua = navigator.userAgent || ''
  for (const [re, name] of [[/iPhone/, 'iPhone'], [/iPad/, 'iPad'], [/Android/, 'Android'], [/HarmonyOS/, 'HarmonyOS'],
    [/Macintosh/, 'Mac'], [/Windows/, 'Windows'], [/Linux/, 'Linux']]) {
    if (re.test(ua)) return name
  }
  return ''
}

/** Creates this device's credential and registers it for the signed-in user. */
export async function registerThisDevice(username) {
  const o = await api.post('/auth/webauthn/register/begin')
  const publicKey = {
    ...o,
    challenge: toBuffer(o.challenge),
    user: { ...o.user, id: toBuffer(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
  }
  const cred = await navigator.credentials.create({ publicKey })
  const res = await api.post('/auth/webauthn/register/finish', {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    clientDataJSON: toBase64url(cred.response.clientDataJSON),
    attestationObject: toBase64url(cred.response.attestationObject),
    name: deviceName(),
  })
  rememberBiometric(username, res.credential.id)
  return res.credential
}

/** Runs login/begin → the fingerprint or face prompt → login/finish; resolves with
 *  the session body (as password login's). */
export async function biometricAssertion(username) {
  const o = await api.post('/auth/webauthn/login/begin', { username }, { handle401: false })
  const publicKey = {
    ...o,
    challenge: toBuffer(o.challenge),
    allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: toBuffer(c.id) })),
  }
  const cred = await navigator.credentials.get({ publicKey })
  const r = cred.response
  return api.post('/auth/webauthn/login/finish', {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    clientDataJSON: toBase64url(r.clientDataJSON),
    authenticatorData: toBase64url(r.authenticatorData),
    signature: toBase64url(r.signature),
    userHandle: r.userHandle ? toBase64url(r.userHandle) : null,
  }, { handle401: false })
}
