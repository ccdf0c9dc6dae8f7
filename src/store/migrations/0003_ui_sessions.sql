-- Browser sessions of the web UI. A person signs in by presenting an API token once; the browser then holds
-- only an opaque session id in an HttpOnly cookie. Only the id's sha256 is stored (like API tokens), so a
-- database reader cannot ride a session. A session acts with its token's role and projects and dies with it.
-- Forward-only: never edit this file once released; add 0004_….sql instead.
CREATE TABLE ui_sessions (
  id            text PRIMARY KEY,
  secret_hash   text NOT NULL UNIQUE CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
  -- No foreign key: every request re-reads the token, so a session whose token is gone is simply refused,
  -- and nothing that maintains api_tokens has to know about sessions.
  token_id      text NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  revoked_at    timestamptz,
  user_agent    text
);
CREATE INDEX ui_sessions_token ON ui_sessions (token_id);
CREATE INDEX ui_sessions_expiry ON ui_sessions (expires_at);
