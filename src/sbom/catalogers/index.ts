import type { InventoryProcessor } from '../scan.ts';
import type { Cataloger, CatalogerTag } from './cataloger.ts';
import { requirementsCataloger } from './requirements/index.ts';
import { condaEnvironmentCataloger } from './conda-environment/cataloger.ts';
import { condaExplicitCataloger } from './conda-explicit/cataloger.ts';
import { pipReportCataloger } from './pip-report/cataloger.ts';
import { pipfileLockCataloger } from './pipfile-lock/cataloger.ts';
import { poetryLockCataloger } from './poetry-lock/cataloger.ts';
import { pylockCataloger } from './pylock/cataloger.ts';
import { uvLockCataloger } from './uv-lock/cataloger.ts';

/** Every cataloger raygate has. Adding a format is one folder plus one line here. */
export const CATALOGERS: readonly Cataloger[] = [
  requirementsCataloger,
  uvLockCataloger,
  poetryLockCataloger,
  pipfileLockCataloger,
  pylockCataloger,
  pipReportCataloger,
  condaEnvironmentCataloger,
  condaExplicitCataloger,
];

/** Cross-cataloger steps, run in this order after every file is parsed. */
export const PROCESSORS: readonly InventoryProcessor[] = [];

/** The catalogers carrying any of `tags`, in registry order. */
export function selectCatalogers(tags: readonly CatalogerTag[]): Cataloger[] {
  return CATALOGERS.filter((c) => c.tags.some((t) => tags.includes(t)));
}
