-- Advisory digests: per project, what changed for its approved releases since the previous digest, the
-- snapshot of their findings it was computed from (the next digest compares against it), and one delivery
-- per destination. Forward-only: never edit this file once released; add a new one.

CREATE TABLE digests (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project        text NOT NULL,
  -- The digest this one was compared with; 0 for a project's first (baseline) digest. Unique per project,
  -- so two runs racing from the same previous digest cannot both record one: the loser retries.
  previous_id    bigint NOT NULL DEFAULT 0,
  content_id     text NOT NULL,               -- the document's `id` (sha256 of its content)
  generated_at   timestamptz NOT NULL,
  since          timestamptz,
  -- Nothing new and no release came or went: recorded, but sent only where configured.
  empty          boolean NOT NULL,
  summary        jsonb NOT NULL,
  document       jsonb NOT NULL,
  snapshot_digest text NOT NULL REFERENCES documents (digest),
  UNIQUE (project, previous_id)
);
CREATE INDEX digests_project ON digests (project, id DESC);
CREATE INDEX digests_generated ON digests (generated_at DESC, id DESC);

-- One row per digest and destination. The idempotency key is what receivers see (X-Raygate-Delivery,
-- the GitHub issue marker): a retried delivery carries the same key, so it is never taken for a new one.
CREATE TABLE digest_deliveries (
  digest_id       bigint NOT NULL REFERENCES digests (id),
  destination     text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('webhook', 'slack', 'github-issue')),
  idempotency_key text NOT NULL UNIQUE,
  state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      jsonb,                      -- {code, message} of the last failed attempt
  last_attempt_at timestamptz,
  delivered_at    timestamptz,
  receipt         jsonb,                      -- HTTP status, the issue URL
  PRIMARY KEY (digest_id, destination)
);
CREATE INDEX digest_deliveries_state ON digest_deliveries (state) WHERE state <> 'delivered';
