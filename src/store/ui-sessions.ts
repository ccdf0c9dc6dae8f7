import { randomBytes } from 'node:crypto';
import { hexDigest } from '../shared/digest.ts';
import { appendAudit } from './audit-log.ts';
import type { Db } from './db.ts';
import { findApiToken, type ApiTokenRecord } from './repos/api-tokens.ts';
import {
  deleteEndedUiSessions,
  findUiSessionByHash,
  insertUiSession,
  markUiSessionRevoked,
  touchUiSession,
  type UiSessionRecord,
} from './repos/ui-sessions.ts';

export type { UiSessionRecord };

export interface UiSessionLimits {
  /** A session ends this long after sign-in, whatever happens (and never after its token expires). */
  absoluteMs: number;
  /** A session nobody used for this long ends. */
  idleMs: number;
}

export const DEFAULT_UI_SESSION_LIMITS: UiSessionLimits = { absoluteMs: 12 * 3600_000, idleMs: 2 * 3600_000 };

const SECRET_FORMAT = /^rgs_[A-Za-z0-9_-]{43}$/;
const TOUCH_RESOLUTION_MS = 60_000;
/** Ended sessions are kept this long (for the record) before a sign-in sweeps them away. */
const RETENTION_MS = 7 * 24 * 3600_000;

export type UiSessionRejection = 'malformed' | 'unknown' | 'revoked' | 'expired' | 'idle' | 'token-invalid';

export type UiSessionCheck =
  { ok: true; session: UiSessionRecord; token: ApiTokenRecord } | { ok: false; reason: UiSessionRejection };

export interface IssuedUiSession {
  /** The cookie value. Never stored: only its sha256 is. */
  secret: string;
  record: UiSessionRecord;
}

export function hashUiSessionSecret(secret: string): string {
  return hexDigest('sha256', secret);
}

/**
 * Web UI sessions: an API token exchanged for an opaque, expiring, revocable session id. Every request
 * checks the session *and* the token behind it, so revoking or expiring the token ends its sessions at
 * once. Sign-in and sign-out are audited.
 */
export class UiSessions {
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #limits: UiSessionLimits;

  constructor(db: Db, now: () => Date, limits: UiSessionLimits = DEFAULT_UI_SESSION_LIMITS) {
    this.#db = db;
    this.#now = now;
    this.#limits = limits;
  }

  async create(token: ApiTokenRecord, userAgent: string | undefined): Promise<IssuedUiSession> {
    const now = this.#now();
    const absolute = now.getTime() + this.#limits.absoluteMs;
    const expiresAt = new Date(
      token.expiresAt === null ? absolute : Math.min(absolute, token.expiresAt.getTime()),
    );
    const secret = `rgs_${randomBytes(32).toString('base64url')}`;
    const record: UiSessionRecord = {
      id: `ses_${randomBytes(9).toString('base64url')}`,
      tokenId: token.id,
      createdAt: now,
      expiresAt,
      lastSeenAt: now,
      revokedAt: null,
      userAgent: userAgent?.slice(0, 300) ?? null,
    };
    await this.#db.transaction(async (tx) => {
      await deleteEndedUiSessions(tx, new Date(now.getTime() - RETENTION_MS));
      await insertUiSession(tx, record, hashUiSessionSecret(secret));
      await appendAudit(
        tx,
        {
          actor: `token:${token.id}`,
          action: 'session.create',
          subject: { kind: 'session', id: record.id },
          details: { expiresAt: expiresAt.toISOString() },
        },
        now,
      );
    });
    return { secret, record };
  }

  /** The live session behind a cookie value and its (still valid) token; says why not otherwise. */
  async check(secret: string): Promise<UiSessionCheck> {
    if (!SECRET_FORMAT.test(secret)) return { ok: false, reason: 'malformed' };
    const session = await findUiSessionByHash(this.#db, hashUiSessionSecret(secret));
    if (!session) return { ok: false, reason: 'unknown' };
    if (session.revokedAt) return { ok: false, reason: 'revoked' };
    const now = this.#now().getTime();
    if (session.expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
    if (session.lastSeenAt.getTime() + this.#limits.idleMs <= now) return { ok: false, reason: 'idle' };
    const token = await findApiToken(this.#db, session.tokenId);
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt.getTime() <= now)) {
      return { ok: false, reason: 'token-invalid' };
    }
    await touchUiSession(this.#db, session.id, new Date(now), TOUCH_RESOLUTION_MS);
    return { ok: true, session, token };
  }

  /** Ends the session (sign-out); false when it had already ended. */
  async revoke(session: UiSessionRecord, actor: string): Promise<boolean> {
    const now = this.#now();
    return this.#db.transaction(async (tx) => {
      const revoked = await markUiSessionRevoked(tx, session.id, now);
      if (revoked) {
        await appendAudit(
          tx,
          { actor, action: 'session.revoke', subject: { kind: 'session', id: session.id } },
          now,
        );
      }
      return revoked;
    });
  }
}
