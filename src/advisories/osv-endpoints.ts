/** Public OSV endpoints; every one can be replaced by an option (tests point them at 127.0.0.1). */
export const OSV_API_URL = 'https://api.osv.dev';

/** OSV's public bucket of per-ecosystem exports: `<base>/<Ecosystem>/all.zip`. */
export const OSV_EXPORT_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/** The ecosystems `raygate osv sync` fetches unless told otherwise: those raygate can match. */
export const DEFAULT_SYNC_ECOSYSTEMS = ['PyPI', 'Debian', 'Ubuntu'] as const;
