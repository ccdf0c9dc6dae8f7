import type { RateLimit } from '../config.ts';

export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until one more request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
  remaining: number;
}

/**
 * Token buckets in this process's memory: `requests` per `windowSeconds`, refilled continuously, bursts
 * up to `requests`. With several replicas each enforces its own budget (a client spread over N replicas
 * gets up to N times the rate); a shared limit would need the database or the load balancer.
 */
export class RateLimiter {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, { tokens: number; updatedMs: number }>();

  constructor(limit: RateLimit, maxKeys = 50_000) {
    this.#capacity = limit.requests;
    this.#refillPerMs = limit.requests / (limit.windowSeconds * 1000);
    this.#maxKeys = maxKeys;
  }

  take(key: string, nowMs: number): RateDecision {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(
        this.#capacity,
        bucket.tokens + (nowMs - bucket.updatedMs) * this.#refillPerMs,
      );
      bucket.updatedMs = nowMs;
      this.#buckets.delete(key); // re-insert: Map order becomes least-recently-used first
    } else {
      bucket = { tokens: this.#capacity, updatedMs: nowMs };
      if (this.#buckets.size >= this.#maxKeys) this.#evict();
    }
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0, remaining: Math.floor(bucket.tokens) };
    }
    const waitMs = (1 - bucket.tokens) / this.#refillPerMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), remaining: 0 };
  }

  // Dropping the least recently used tenth is safe: a forgotten key starts with a full bucket, which is
  // what an idle one would have refilled to anyway unless it was hammering — and hammering keeps it recent.
  #evict(): void {
    let toDrop = Math.ceil(this.#maxKeys / 10);
    for (const key of this.#buckets.keys()) {
      if (toDrop-- <= 0) break;
      this.#buckets.delete(key);
    }
  }
}
