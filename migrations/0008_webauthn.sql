-- 0008 biometric login (AUTH-6): WebAuthn credentials of users' phones (platform
-- authenticators: fingerprint, face) and the one-time challenges of the ceremonies.

CREATE TABLE webauthn_credentials (
    id             INTEGER PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users(id),
    credential_id  TEXT NOT NULL UNIQUE,     -- base64url, as the browser sends it
    public_key     TEXT NOT NULL,            -- base64url of the ES256 point x || y (64 bytes)
    sign_count     BIGINT NOT NULL DEFAULT 0,
    name           TEXT NOT NULL DEFAULT '', -- the device, as the user's browser named it
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT                    -- NULL until the first biometric login
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials(user_id);

-- A challenge is handed out by register/begin or login/begin, taken (deleted) by the
-- matching finish, and good for 5 minutes.
CREATE TABLE webauthn_challenges (
    challenge   TEXT PRIMARY KEY,            -- base64url of 32 random bytes
    kind        TEXT NOT NULL CHECK (kind IN ('register', 'login')),
    user_id     BIGINT,                      -- register: the signed-in user; login: the user named
                                             -- (0: unknown name), NULL: no name given
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges(expires_at);
