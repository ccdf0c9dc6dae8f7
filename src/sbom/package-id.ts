import type { Ecosystem } from './model.ts';

/**
 * A package id that is unique within a scan and identical across runs on the same input: the same
 * name and version found at two places are two packages (two installs), so the location is part of it.
 */
export function packageId(
  ecosystem: Ecosystem,
  name: string,
  version: string | undefined,
  path: string,
): string {
  return `${ecosystem}:${name}@${version ?? '*'}:${path}`;
}
