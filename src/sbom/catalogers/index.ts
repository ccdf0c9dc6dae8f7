import type { InventoryProcessor } from '../scan.ts';
import { apkCataloger } from './apk/cataloger.ts';
import type { Cataloger, CatalogerTag } from './cataloger.ts';
import { DPKG_CATALOGER } from './dpkg/cataloger.ts';
import { osReleaseCataloger } from './os-release/cataloger.ts';

/** Every cataloger raygate has. Adding a format is one folder plus one line here. */
export const CATALOGERS: readonly Cataloger[] = [osReleaseCataloger, DPKG_CATALOGER, apkCataloger];

/** Cross-cataloger steps, run in this order after every file is parsed. */
export const PROCESSORS: readonly InventoryProcessor[] = [];

/** The catalogers carrying any of `tags`, in registry order. */
export function selectCatalogers(tags: readonly CatalogerTag[]): Cataloger[] {
  return CATALOGERS.filter((c) => c.tags.some((t) => tags.includes(t)));
}
