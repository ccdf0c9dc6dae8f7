import { RaygateError } from '../shared/errors.ts';
import {
  AuditChainVerifier,
  entryHash,
  type AuditEntry,
  type AuditEvent,
  type AuditProblem,
} from './audit-chain.ts';
import { canonicalJson } from './canonical-json.ts';
import type { Queryable, Tx } from './db.ts';
import { insertAuditEntry, listAuditEntries, lockAuditHead, readAuditHead } from './repos/audit-log.ts';

const MAX_DETAILS_BYTES = 64 * 1024;

/**
 * Appends one entry inside the caller's transaction, so the entry exists exactly when the change it
 * records does. The head row lock serializes appenders across replicas: the chain cannot fork.
 */
export async function appendAudit(tx: Tx, event: AuditEvent, now: Date): Promise<AuditEntry> {
  const details = normalizeDetails(event.details ?? {});
  const head = await lockAuditHead(tx);
  // A JavaScript Date holds milliseconds, which timestamptz stores exactly: the hash re-computes on read.
  const recordedAt = new Date(now.getTime());
  const unsigned = {
    seq: head.seq + 1,
    recordedAt,
    actor: event.actor,
    action: event.action,
    subjectKind: event.subject?.kind ?? null,
    subjectId: event.subject?.id ?? null,
    project: event.project ?? null,
    details,
    prevHash: head.hash,
  };
  const entry: AuditEntry = { ...unsigned, hash: entryHash(unsigned) };
  await insertAuditEntry(tx, entry);
  return entry;
}

// Details go through jsonb and back before being verified; only values that survive that unchanged are
// accepted (no undefined inside arrays, no non-finite numbers, no NUL characters, no huge blobs).
function normalizeDetails(details: Record<string, unknown>): Record<string, unknown> {
  let text: string;
  try {
    text = canonicalJson(details);
  } catch (error) {
    throw new RaygateError(
      'AUDIT_DETAILS_INVALID',
      'internal',
      `Audit details are not plain JSON: ${(error as Error).message}`,
    );
  }
  if (text.length > MAX_DETAILS_BYTES)
    throw new RaygateError('AUDIT_DETAILS_INVALID', 'internal', 'Audit details are too large');
  if (text.includes('\\u0000'))
    throw new RaygateError('AUDIT_DETAILS_INVALID', 'internal', 'Audit details contain a NUL character');
  return JSON.parse(text) as Record<string, unknown>;
}

export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries that verified before the first problem (all of them when ok). */
  verified: number;
  head: { seq: number; hash: string };
  problem?: AuditProblem;
}

const PAGE = 1000;

/**
 * Walks the whole chain in order and reports the first entry that does not verify: an edited field, a
 * deleted or inserted entry, a reordering, a truncated tail. `anchor` is an entry hash recorded elsewhere
 * earlier (e.g. printed by a previous verify): it catches a log rewritten wholesale from that point on.
 */
export async function verifyAuditLog(q: Queryable, anchor?: AuditAnchor): Promise<AuditVerification> {
  const verifier = new AuditChainVerifier();
  const head = await readAuditHead(q);
  let afterSeq = 0;
  let anchorSeen = false;
  const fail = (problem: AuditProblem): AuditVerification => ({
    ok: false,
    verified: verifier.count,
    head,
    problem,
  });
  for (;;) {
    // Pages are keyed on the stored seq so a tampered sequence still makes progress and is reported.
    const page = await listAuditEntries(q, { afterSeq, limit: PAGE });
    for (const entry of page) {
      const problem = verifier.check(entry);
      if (problem) return fail(problem);
      if (anchor && entry.seq === anchor.seq) {
        anchorSeen = true;
        if (entry.hash !== anchor.hash) {
          return fail({
            code: 'AUDIT_ANCHOR_MISMATCH',
            seq: entry.seq,
            message: `entry ${entry.seq} has hash ${entry.hash}, but ${anchor.hash} was recorded for it: the log was rewritten`,
          });
        }
      }
      afterSeq = entry.seq;
    }
    if (page.length < PAGE) break;
  }
  const headProblem = verifier.checkHead(head);
  if (headProblem) return fail(headProblem);
  if (anchor && !anchorSeen) {
    return fail({
      code: 'AUDIT_ANCHOR_MISMATCH',
      seq: anchor.seq,
      message: `entry ${anchor.seq} was recorded earlier but the log now ends at ${verifier.last.seq}`,
    });
  }
  return { ok: true, verified: verifier.count, head };
}
