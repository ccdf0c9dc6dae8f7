/**
 * Keys of the PostgreSQL advisory locks raygate takes (one bigint namespace per database). Transaction-scoped
 * (`pg_advisory_xact_lock`) so a lock can never outlive the work it protects, even if a replica dies.
 */
export const ADVISORY_LOCKS = {
  /** Held while migrations are checked and applied. */
  migrations: 7_261_796_001,
} as const;
