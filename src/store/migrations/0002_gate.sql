-- The release gate: release candidates, their artifacts and uploaded documents, evidence collected by jobs,
-- decisions, approvals, exceptions, events for waiting clients, and signed verification summaries.
-- Forward-only: never edit this file once released; add 0003_….sql instead.

-- Approval roles a token's holder has (`security`, `release-manager`): what policies' approvals rules ask for.
ALTER TABLE api_tokens ADD COLUMN approval_roles text[] NOT NULL DEFAULT '{}';

CREATE TABLE releases (
  id               text PRIMARY KEY,
  project          text NOT NULL,
  version          text NOT NULL,
  git_repository   text,
  git_ref          text,
  git_commit       text,
  policy_name      text NOT NULL,
  -- The policy as it was when the release was submitted: every evaluation of the release uses it.
  policy_document  text NOT NULL REFERENCES documents (digest),
  state            text NOT NULL
                   CHECK (state IN ('pending', 'evaluating', 'awaiting_approval', 'approved', 'rejected')),
  submitted_by     text NOT NULL,
  submitter        jsonb NOT NULL,            -- what the credential said: token name, OIDC claims
  submitted_at     timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL,
  -- sha256 of the canonical submission: the same submission by the same submitter finds the same release.
  submission_digest text NOT NULL,
  -- Evidence is collected in rounds; each round expects this many parts before it is evaluated.
  evidence_round   integer NOT NULL DEFAULT 1,
  expected_parts   integer NOT NULL CHECK (expected_parts > 0),
  decision_id      bigint,
  vsa_state        text NOT NULL DEFAULT 'none' CHECK (vsa_state IN ('none', 'pending', 'issued', 'failed'))
);
CREATE INDEX releases_project_state ON releases (project, state, submitted_at DESC);
CREATE INDEX releases_state ON releases (state, submitted_at DESC);
CREATE INDEX releases_submitted ON releases (submitted_at DESC, id DESC);
-- A retried submission is the same release, unless that one was rejected (then it is a new candidate).
CREATE UNIQUE INDEX releases_submission ON releases (project, submission_digest) WHERE state <> 'rejected';

CREATE TABLE release_artifacts (
  release_id  text NOT NULL REFERENCES releases (id),
  n           integer NOT NULL CHECK (n >= 0),
  kind        text NOT NULL CHECK (kind IN ('image', 'wheel', 'sdist', 'file')),
  name        text NOT NULL,
  digest      text NOT NULL CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
  reference   text,                          -- images: registry/repository@sha256:…
  sbom_digest text,                          -- the SBOM the evidence used (uploaded or generated)
  PRIMARY KEY (release_id, n)
);
CREATE INDEX release_artifacts_digest ON release_artifacts (digest);

-- Documents uploaded with a submission (stored once by digest in `documents`).
CREATE TABLE release_documents (
  release_id  text NOT NULL REFERENCES releases (id),
  n           integer NOT NULL,
  role        text NOT NULL CHECK (role IN ('sbom', 'bundle', 'lock-file', 'manifest')),
  artifact    integer,                       -- the artifact an SBOM or bundle is about
  name        text NOT NULL,                 -- file name or path as submitted
  digest      text NOT NULL REFERENCES documents (digest),
  PRIMARY KEY (release_id, n)
);

-- What each evidence job found, per round: one part per artifact, one for lock files, one for manifests.
CREATE TABLE release_evidence_parts (
  release_id  text NOT NULL REFERENCES releases (id),
  round       integer NOT NULL,
  part        text NOT NULL,
  content     jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  PRIMARY KEY (release_id, round, part)
);

CREATE TABLE release_decisions (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_id          text NOT NULL REFERENCES releases (id),
  verdict             text NOT NULL CHECK (verdict IN ('allow', 'deny', 'needs-approval')),
  trigger             text NOT NULL,
  summary             text NOT NULL,
  decision_digest     text NOT NULL REFERENCES documents (digest),
  evidence_digest     text NOT NULL REFERENCES documents (digest),
  policy_name         text NOT NULL,
  policy_digest       text NOT NULL,
  advisories_digest   text,
  trusted_root_digest text,
  -- Counts per artifact (packages, findings by severity, attestations) for listings without the documents.
  evidence_summary    jsonb NOT NULL,
  evaluated_at        timestamptz NOT NULL
);
CREATE INDEX release_decisions_release ON release_decisions (release_id, id);
ALTER TABLE releases ADD CONSTRAINT releases_decision FOREIGN KEY (decision_id) REFERENCES release_decisions (id);

-- Approvals and rejections. One approval per actor and release: a replay is refused, never counted twice.
CREATE TABLE release_reviews (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  release_id  text NOT NULL REFERENCES releases (id),
  kind        text NOT NULL CHECK (kind IN ('approval', 'rejection')),
  actor       text NOT NULL,
  roles       text[] NOT NULL,
  comment     text NOT NULL,
  at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX release_reviews_one_approval ON release_reviews (release_id, actor) WHERE kind = 'approval';
CREATE INDEX release_reviews_release ON release_reviews (release_id, id);

-- Every state change and milestone of a release, numbered per release: what `/events` streams and
-- what a client that reconnects resumes after (Last-Event-ID).
CREATE TABLE release_events (
  release_id  text NOT NULL REFERENCES releases (id),
  seq         integer NOT NULL CHECK (seq > 0),
  type        text NOT NULL,
  data        jsonb NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (release_id, seq)
);

-- Accepted risks. Created by an admin, approved by another; expired ones fail the gate where they apply.
CREATE TABLE exceptions (
  id           text PRIMARY KEY,
  project      text,                         -- NULL: every project
  scope_kind   text NOT NULL CHECK (scope_kind IN ('advisory', 'purl', 'artifact', 'release')),
  scope        jsonb NOT NULL,
  rules        text[] NOT NULL,              -- empty: every waivable rule
  reason       text NOT NULL,
  owner        text NOT NULL,
  expires_at   timestamptz NOT NULL,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  approved_by  text,
  approved_at  timestamptz,
  revoked_by   text,
  revoked_at   timestamptz
);
CREATE INDEX exceptions_live ON exceptions (expires_at) WHERE revoked_at IS NULL;

-- Signed verification summaries, one per approved artifact.
CREATE TABLE release_vsas (
  release_id     text NOT NULL REFERENCES releases (id),
  artifact       integer NOT NULL,
  subject_digest text NOT NULL,
  resource_uri   text NOT NULL,
  bundle_digest  text NOT NULL REFERENCES documents (digest),
  signer         text NOT NULL,              -- `key:<hint>` or the keyless identity
  issued_at      timestamptz NOT NULL,
  attachment     jsonb,                      -- the OCI referrer it was attached as, or why not
  PRIMARY KEY (release_id, artifact)
);

-- Public keys VSAs were signed with, so verifiers can fetch every key in use (replicas, rotations).
CREATE TABLE signing_keys (
  hint        text PRIMARY KEY,
  public_key  text NOT NULL,
  first_used  timestamptz NOT NULL
);
