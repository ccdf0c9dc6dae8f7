import type { Severity } from '../../shared/severity.ts';

/**
 * What `raygate ray lint` needs from an advisory source, and nothing more: the advisories that affect one
 * version of the PyPI package `ray`. The OSV matcher and mirror plug in here; `osvRayLookup` is a small
 * adapter over OSV records loaded from files.
 */
export interface RayAdvisory {
  /** The record's id (GHSA, PYSEC, CVE …). */
  id: string;
  /** Other ids of the same vulnerability (CVE, GHSA, PYSEC), without `id`. */
  aliases: string[];
  summary?: string;
  /** From the record; undefined when the record gives no rating raygate can read. */
  severity?: Severity;
  /** Lowest version above the queried one that fixes it, when the record names one. */
  fixed?: string;
  url?: string;
}

export type RayAdvisoryLookup = (version: string) => Promise<RayAdvisory[]>;

/** Every id an advisory goes by. */
export function advisoryIds(advisory: Pick<RayAdvisory, 'id' | 'aliases'>): string[] {
  return [advisory.id, ...advisory.aliases];
}

/** The id to show: a CVE when there is one, else the record id. */
export function displayId(advisory: Pick<RayAdvisory, 'id' | 'aliases'>): string {
  return advisoryIds(advisory).find((i) => i.startsWith('CVE-')) ?? advisory.id;
}
