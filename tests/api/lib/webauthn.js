// tests/api/lib/webauthn.js — a software WebAuthn authenticator for the API tests
// (AUTH-6): an ES256 key made with node:crypto, hand-built authenticator data and an
// attestation object of format "none" (CBOR), assertions signed over
// authenticatorData || SHA-256(clientDataJSON) as a platform authenticator would.
import crypto from 'node:crypto';

export const b64u = (buf) => Buffer.from(buf).toString('base64url');
export const sha256 = (data) => crypto.createHash('sha256').update(data).digest();

// The few CBOR items WebAuthn needs (RFC 8949): maps, text, bytes, small integers.
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  throw new Error('CBOR item too long for this test encoder');
}
export function cbor(v) {
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, b.length), b]);
  }
  if (Number.isInteger(v)) return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (v instanceof Map) {
    const parts = [head(5, v.size)];
    for (const [k, val] of v) parts.push(cbor(k), cbor(val));
    return Buffer.concat(parts);
  }
  throw new Error(`no CBOR for ${typeof v}`);
}

export function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
export const FLAG_AT = 0x40;

export class SoftAuthenticator {
  constructor() {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.x = Buffer.from(jwk.x, 'base64url');
    this.y = Buffer.from(jwk.y, 'base64url');
    this.credId = crypto.randomBytes(32);
    this.id = b64u(this.credId);
    this.counter = 0;
  }

  coseKey() {
    return cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, this.x], [-3, this.y]]));
  }

  // authenticatorData: rpIdHash | flags | signCount | [attested credential data]
  authData({ rpId, flags = FLAG_UP | FLAG_UV, counter = this.counter, attested = false }) {
    const parts = [sha256(rpId), Buffer.from([flags | (attested ? FLAG_AT : 0)]), u32(counter)];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.credId.length);
      parts.push(Buffer.alloc(16), len, this.credId, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  static clientData({ type, challenge, origin, crossOrigin = false }) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin }), 'utf8');
  }

  // The body of POST …/register/finish for the options of register/begin.
  attestation(options, { origin, type = 'webauthn.create', rpId = options.rp.id, flags, challenge, fmt = 'none', name } = {}) {
    const clientDataJSON = SoftAuthenticator.clientData({ type, challenge: challenge ?? options.challenge, origin });
    const authData = this.authData({ rpId, flags, attested: true });
    const attObj = cbor(new Map([['fmt', fmt], ['attStmt', new Map()], ['authData', authData]]));
    const body = { id: this.id, rawId: this.id, type: 'public-key', clientDataJSON: b64u(clientDataJSON),
      attestationObject: b64u(attObj) };
    if (name !== undefined) body.name = name;
    return body;
  }

  // The body of POST …/login/finish; each call counts up unless counter is given.
  assertion(options, { origin, type = 'webauthn.get', rpId = options.rpId, flags, challenge, counter, tamper = false,
    userHandle } = {}) {
    if (counter === undefined) counter = ++this.counter;
    const clientDataJSON = SoftAuthenticator.clientData({ type, challenge: challenge ?? options.challenge, origin });
    const authData = this.authData({ rpId, flags, counter });
    let signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.privateKey);
    if (tamper) {
      const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
      signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), other);
    }
    const body = { id: this.id, rawId: this.id, type: 'public-key', clientDataJSON: b64u(clientDataJSON),
      authenticatorData: b64u(authData), signature: b64u(signature) };
    if (userHandle !== undefined) body.userHandle = userHandle;
    return body;
  }
}
