// AUTH-4 device binding: this browser's random device key, made once and kept in
// localStorage, sent with every login. An account with device binding on accepts
// only the key of the device it was first used on.
const KEY = 'fincrm.deviceKey'

function randomKey() {
  const bytes = new Uint8Array(32)
  crypto.getRandomValues(bytes)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') // base64url
}

export function deviceKey() {
  try {
    let k = localStorage.getItem(KEY)
    if (!k || !/^[A-Za-z0-9_-]{43}$/.test(k)) {
      k = randomKey()
      localStorage.setItem(KEY, k)
    }
    return k
  } catch {
    return randomKey() // storage blocked (private mode): binding will refuse, with its message
  }
}
