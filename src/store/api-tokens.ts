import { randomBytes } from 'node:crypto';
import { hexDigest } from '../shared/digest.ts';
import { RaygateError } from '../shared/errors.ts';
import { appendAudit } from './audit-log.ts';
import type { Db } from './db.ts';
import {
  countApiTokens,
  findApiToken,
  findApiTokenByHash,
  insertApiToken,
  listApiTokens,
  markApiTokenRevoked,
  touchApiToken,
  type ApiTokenRecord,
  type Role,
} from './repos/api-tokens.ts';

export type { ApiTokenRecord, Role };

export const ROLES: readonly Role[] = ['viewer', 'submitter', 'approver', 'admin'];

/** Project names: what CI and URLs can carry without escaping (`acme/ray-images`, `ray-wheels`). */
export const PROJECT_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$';
const PROJECT = new RegExp(PROJECT_PATTERN);

/** Approval role names: what policies write in an approvals rule's `roles`. */
export const APPROVAL_ROLE_PATTERN = '^[a-z0-9][a-z0-9._-]{0,63}$';
const APPROVAL_ROLE = new RegExp(APPROVAL_ROLE_PATTERN);

/** Every token starts with this, so secret scanners and log filters can spot one. */
export const TOKEN_PREFIX = 'rg_';
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^rg_[A-Za-z0-9_-]{43}$/;
const HINT_LENGTH = TOKEN_PREFIX.length + 6;

export interface NewApiToken {
  name: string;
  role: Role;
  /** undefined or empty: every project. */
  projects?: readonly string[];
  /** Approval roles of the holder (`security`, `release-manager`); policies' approvals rules count them. */
  approvalRoles?: readonly string[];
  /** null: never expires. */
  expiresAt: Date | null;
  /** Who asks (for the audit log): `cli:<user>`, `token:<id>`. */
  actor: string;
}

export interface IssuedApiToken {
  /** The secret. Shown once; only its hash is stored. */
  token: string;
  record: ApiTokenRecord;
}

export type TokenRejection = 'malformed' | 'unknown' | 'revoked' | 'expired';

export type TokenCheck = { ok: true; record: ApiTokenRecord } | { ok: false; reason: TokenRejection };

/** sha256 of the whole token, hex. A 256-bit random secret needs no slow hash: it cannot be guessed. */
export function hashApiToken(token: string): string {
  return hexDigest('sha256', token);
}

export function looksLikeApiToken(value: string): boolean {
  return value.startsWith(TOKEN_PREFIX);
}

/** API tokens: issued with a random secret, stored hashed, scoped, expiring, revocable; every change audited. */
export class ApiTokens {
  readonly #db: Db;
  readonly #now: () => Date;

  constructor(db: Db, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  async create(request: NewApiToken): Promise<IssuedApiToken> {
    const now = this.#now();
    const name = request.name.trim();
    if (name.length === 0 || name.length > 100)
      throw usage('TOKEN_NAME_INVALID', 'A token name must have 1 to 100 characters.');
    if (!ROLES.includes(request.role))
      throw usage('ROLE_INVALID', `Role must be one of ${ROLES.join(', ')}.`);
    const projects = normalizeProjects(request.projects);
    const approvalRoles = [...new Set((request.approvalRoles ?? []).map((r) => r.trim()))].sort();
    for (const role of approvalRoles) {
      if (!APPROVAL_ROLE.test(role))
        throw usage('APPROVAL_ROLE_INVALID', `Approval role '${role}' is not valid (a-z, 0-9, . _ -).`);
    }
    if (request.expiresAt !== null && request.expiresAt.getTime() <= now.getTime()) {
      throw usage('TOKEN_EXPIRY_INVALID', 'A token must expire in the future.');
    }
    const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    const record: ApiTokenRecord = {
      id: `tok_${randomBytes(9).toString('base64url')}`,
      name,
      tokenHint: `${token.slice(0, HINT_LENGTH)}…`,
      role: request.role,
      projects,
      approvalRoles,
      createdBy: request.actor,
      createdAt: now,
      expiresAt: request.expiresAt,
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
    };
    await this.#db.transaction(async (tx) => {
      await insertApiToken(tx, record, hashApiToken(token));
      await appendAudit(
        tx,
        {
          actor: request.actor,
          action: 'token.create',
          subject: { kind: 'token', id: record.id },
          details: {
            name: record.name,
            role: record.role,
            projects: record.projects,
            ...(approvalRoles.length > 0 ? { approvalRoles } : {}),
            expiresAt: record.expiresAt?.toISOString() ?? null,
          },
        },
        now,
      );
    });
    return { token, record };
  }

  list(): Promise<ApiTokenRecord[]> {
    return listApiTokens(this.#db);
  }

  get(id: string): Promise<ApiTokenRecord | undefined> {
    return findApiToken(this.#db, id);
  }

  count(): Promise<number> {
    return countApiTokens(this.#db);
  }

  /** Revokes `id` (TOKEN_NOT_FOUND, TOKEN_ALREADY_REVOKED); takes effect on the next request. */
  async revoke(id: string, actor: string): Promise<ApiTokenRecord> {
    const now = this.#now();
    return this.#db.transaction(async (tx) => {
      const record = await findApiToken(tx, id, true);
      if (!record) throw new RaygateError('TOKEN_NOT_FOUND', 'not-found', `No token ${id}.`);
      if (record.revokedAt)
        throw new RaygateError('TOKEN_ALREADY_REVOKED', 'conflict', `Token ${id} is already revoked.`);
      await markApiTokenRevoked(tx, id, actor, now);
      await appendAudit(
        tx,
        { actor, action: 'token.revoke', subject: { kind: 'token', id }, details: { name: record.name } },
        now,
      );
      return { ...record, revokedAt: now, revokedBy: actor };
    });
  }

  /** Looks a presented secret up; says why it is refused (for logs — callers answer every refusal alike). */
  async check(token: string): Promise<TokenCheck> {
    if (!TOKEN_FORMAT.test(token)) return { ok: false, reason: 'malformed' };
    const hash = hashApiToken(token);
    const record = await findApiTokenByHash(this.#db, hash);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revokedAt) return { ok: false, reason: 'revoked' };
    const now = this.#now();
    if (record.expiresAt && record.expiresAt.getTime() <= now.getTime())
      return { ok: false, reason: 'expired' };
    await touchApiToken(this.#db, record.id, now, 60_000);
    return { ok: true, record };
  }
}

function normalizeProjects(projects: readonly string[] | undefined): string[] | null {
  if (!projects || projects.length === 0) return null;
  const unique = [...new Set(projects.map((p) => p.trim()))].sort();
  for (const project of unique) {
    if (!PROJECT.test(project)) {
      throw usage(
        'PROJECT_INVALID',
        `Project name '${project}' is not valid (letters, digits, . _ / -; up to 128).`,
      );
    }
  }
  return unique;
}

function usage(code: string, message: string): RaygateError {
  return new RaygateError(code, 'usage', message);
}
