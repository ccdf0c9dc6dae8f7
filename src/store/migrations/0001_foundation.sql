-- The service's foundation: content-addressed documents, API tokens, the hash-chained audit log, the job
-- queue and periodic schedules. Forward-only: never edit this file once released; add 0002_….sql instead.

-- Large documents (SBOMs, Sigstore bundles, policies) stored once, named by the sha256 of their bytes.
CREATE TABLE documents (
  digest      text PRIMARY KEY CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
  media_type  text NOT NULL,
  size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
  content     bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- API tokens: only the sha256 of the secret is kept, so a copy of the database grants nothing.
CREATE TABLE api_tokens (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  token_hint    text NOT NULL,
  role          text NOT NULL CHECK (role IN ('viewer', 'submitter', 'approver', 'admin')),
  projects      text[],          -- NULL: every project
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz,     -- NULL: never
  revoked_at    timestamptz,
  revoked_by    text,
  last_used_at  timestamptz
);

-- The audit log. seq is gap-free; each entry's hash covers its content and the previous entry's hash.
CREATE TABLE audit_log (
  seq           bigint PRIMARY KEY CHECK (seq > 0),
  recorded_at   timestamptz NOT NULL,
  actor         text NOT NULL,
  action        text NOT NULL,
  subject_kind  text,
  subject_id    text,
  project       text,
  details       jsonb NOT NULL,
  prev_hash     text NOT NULL,
  hash          text NOT NULL UNIQUE
);
CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id);

-- The chain's head (one row). Appenders lock it, which serializes appends across replicas; verification
-- compares it with the last entry, so truncating the log's tail is detected too.
CREATE TABLE audit_head (
  id    boolean PRIMARY KEY DEFAULT true CHECK (id),
  seq   bigint NOT NULL,
  hash  text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (true, 0, repeat('0', 64));

-- Append-only: the service never updates or deletes entries; a change needs a superuser disabling this.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- Durable jobs. A worker claims rows with FOR UPDATE SKIP LOCKED and holds a lease it renews; a lease that
-- expires (its replica died) makes the job claimable again. lease_token fences out a worker that lost it.
CREATE TABLE jobs (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue             text NOT NULL,
  payload           jsonb NOT NULL,
  idempotency_key   text,
  state             text NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'dead')),
  attempts          integer NOT NULL DEFAULT 0,
  max_attempts      integer NOT NULL CHECK (max_attempts > 0),
  run_at            timestamptz NOT NULL,
  lease_owner       text,
  lease_token       text,
  lease_expires_at  timestamptz,
  last_error        text,
  result            jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  UNIQUE (queue, idempotency_key)
);
CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE state = 'queued';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state IN ('succeeded', 'dead');

-- Periodic jobs: the replica whose UPDATE moves next_run_at forward enqueues that run; the others see the
-- new next_run_at and skip.
CREATE TABLE job_schedules (
  name          text PRIMARY KEY,
  next_run_at   timestamptz NOT NULL,
  last_run_at   timestamptz,
  last_job_id   bigint
);
