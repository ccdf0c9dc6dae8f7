import type { ApiTokenRecord, ApiTokens, TokenCheck } from '../../store/api-tokens.ts';
import { hashApiToken } from '../../store/api-tokens.ts';
import type { DataVersion } from '../../store/data-version.ts';

const MAX_ENTRIES = 10_000;
/** A cached acceptance is rechecked at least this often, which also keeps the token's last-used time fresh. */
const RECHECK_MS = 60_000;

interface Entry {
  version: string;
  record: ApiTokenRecord;
  checkedAtMs: number;
}

/**
 * API token checks without a query per request: an accepted token is remembered with the data version it
 * was checked at, and taken as accepted again while the version is unchanged — no revocation, expiry
 * change or deletion can have been committed meanwhile, by this replica or another. Expiry is judged
 * anew each time. Refusals are never cached (a wrong guess costs the guesser a query, as before).
 */
export class CachedTokenCheck {
  readonly #tokens: Pick<ApiTokens, 'check'>;
  readonly #version: DataVersion;
  readonly #now: () => Date;
  readonly #entries = new Map<string, Entry>();

  constructor(tokens: Pick<ApiTokens, 'check'>, version: DataVersion, now: () => Date) {
    this.#tokens = tokens;
    this.#version = version;
    this.#now = now;
  }

  async check(token: string): Promise<TokenCheck> {
    const version = await this.#version.read();
    const key = hashApiToken(token);
    const entry = this.#entries.get(key);
    const nowMs = this.#now().getTime();
    if (entry && entry.version === version && nowMs - entry.checkedAtMs < RECHECK_MS) {
      const { expiresAt } = entry.record;
      if (expiresAt && expiresAt.getTime() <= nowMs) return { ok: false, reason: 'expired' };
      return { ok: true, record: entry.record };
    }
    this.#entries.delete(key);
    const result = await this.#tokens.check(token);
    if (result.ok) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      // The version read before the check: a write committed during it makes the entry stale at once.
      this.#entries.set(key, { version, record: result.record, checkedAtMs: nowMs });
    }
    return result;
  }
}
