import { hexDigest } from '../shared/digest.ts';
import { canonicalJson } from './canonical-json.ts';

/** What a change records about itself. */
export interface AuditEvent {
  /** Who did it: `token:<id>`, `oidc:<issuer>#<subject>`, `cli:<user>`, `system:<job>`. */
  actor: string;
  /** Dotted verb, e.g. `token.create`, `release.approve`. */
  action: string;
  subject?: { kind: string; id: string };
  project?: string;
  /** JSON data; keep it small and free of secrets. */
  details?: Record<string, unknown>;
}

/** A stored entry: the event, its place in the chain and the hashes that bind it. */
export interface AuditEntry {
  seq: number;
  recordedAt: Date;
  actor: string;
  action: string;
  subjectKind: string | null;
  subjectId: string | null;
  project: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Version of the hashed form; bump (and keep the old one verifiable) if the fields ever change. */
const CHAIN_VERSION = 1;

/**
 * sha256 over the canonical JSON of every field of the entry, its sequence number and the previous hash.
 * Editing any field, moving an entry to another position, or splicing one in changes this value.
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return hexDigest(
    'sha256',
    canonicalJson({
      v: CHAIN_VERSION,
      seq: entry.seq,
      recordedAt: entry.recordedAt.toISOString(),
      actor: entry.actor,
      action: entry.action,
      subjectKind: entry.subjectKind,
      subjectId: entry.subjectId,
      project: entry.project,
      details: entry.details,
      prevHash: entry.prevHash,
    }),
  );
}

export type AuditProblemCode =
  | 'AUDIT_ENTRY_ALTERED'
  | 'AUDIT_CHAIN_BROKEN'
  | 'AUDIT_ENTRY_MISSING'
  | 'AUDIT_HEAD_MISMATCH'
  | 'AUDIT_ANCHOR_MISMATCH';

export interface AuditProblem {
  code: AuditProblemCode;
  /** The first entry that does not verify (or the position where one is missing). */
  seq: number;
  message: string;
}

/**
 * Checks entries in order, carrying the state between pages so a log of any length verifies in bounded
 * memory. `check` returns the first problem found, or undefined.
 */
export class AuditChainVerifier {
  #expectedSeq = 1;
  #prevHash = GENESIS_HASH;
  #count = 0;

  get count(): number {
    return this.#count;
  }

  get last(): { seq: number; hash: string } {
    return { seq: this.#expectedSeq - 1, hash: this.#prevHash };
  }

  check(entry: AuditEntry): AuditProblem | undefined {
    if (entry.seq !== this.#expectedSeq) {
      return entry.seq > this.#expectedSeq
        ? {
            code: 'AUDIT_ENTRY_MISSING',
            seq: this.#expectedSeq,
            message: `entry ${this.#expectedSeq} is missing (the next stored entry is ${entry.seq})`,
          }
        : { code: 'AUDIT_CHAIN_BROKEN', seq: entry.seq, message: `entry ${entry.seq} appears out of order` };
    }
    if (entryHash(entry) !== entry.hash) {
      return {
        code: 'AUDIT_ENTRY_ALTERED',
        seq: entry.seq,
        message: `entry ${entry.seq} does not match its hash: it was edited or moved`,
      };
    }
    if (entry.prevHash !== this.#prevHash) {
      return {
        code: 'AUDIT_CHAIN_BROKEN',
        seq: entry.seq,
        message: `entry ${entry.seq} does not follow entry ${entry.seq - 1}: an entry was inserted, removed or replaced`,
      };
    }
    this.#expectedSeq++;
    this.#prevHash = entry.hash;
    this.#count++;
    return undefined;
  }

  /** After the last entry: the stored head must point at it, or the tail was cut off or the head edited. */
  checkHead(head: { seq: number; hash: string }): AuditProblem | undefined {
    const last = this.last;
    if (head.seq === last.seq && head.hash === last.hash) return undefined;
    const seq = head.seq === last.seq ? last.seq : Math.min(head.seq, last.seq) + 1;
    return {
      code: 'AUDIT_HEAD_MISMATCH',
      seq,
      message:
        head.seq > last.seq
          ? `the log ends at entry ${last.seq} but its head records ${head.seq}: entries from ${seq} on were deleted`
          : `the head records entry ${head.seq} with hash ${head.hash} but the log ends at ${last.seq} with ${last.hash}`,
    };
  }
}
