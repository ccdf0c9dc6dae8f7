import type { DataVersion } from '../store/data-version.ts';

const MAX_ENTRIES = 500;
/** Larger answers are not kept: a few big releases must not hold the process's memory. */
const MAX_CACHED_CHARS = 1024 * 1024;

interface Entry {
  version: string;
  project: string;
  json: string;
}

/**
 * Release details (the most read answer: every CI job waiting on a release, every page view) computed once
 * per data version: while no transaction has committed, the answer cannot have changed. A hit costs the
 * shared version read instead of the detail's ten queries and its serialization.
 */
export class ReleaseDetailCache {
  readonly #version: DataVersion;
  readonly #entries = new Map<string, Entry>();

  constructor(version: DataVersion) {
    this.#version = version;
  }

  /** The detail of release `id` as JSON text, and its project (for the caller's access check). */
  async get(
    id: string,
    load: () => Promise<{ project: string; detail: unknown }>,
  ): Promise<{ project: string; json: string }> {
    const version = await this.#version.read();
    const entry = this.#entries.get(id);
    if (entry && entry.version === version) {
      // Most recently used last, so the oldest is first out.
      this.#entries.delete(id);
      this.#entries.set(id, entry);
      return { project: entry.project, json: entry.json };
    }
    const { project, detail } = await load();
    const json = JSON.stringify(detail);
    this.#entries.delete(id);
    if (json.length <= MAX_CACHED_CHARS) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(id, { version, project, json });
    }
    return { project, json };
  }
}
