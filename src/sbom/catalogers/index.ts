import { condaReconciliationProcessor } from '../processors/conda-reconciliation.ts';
import { pythonDependenciesProcessor } from '../processors/python-dependencies.ts';
import { pythonEnvironmentsProcessor } from '../processors/python-environments.ts';
import { vendoredPackagesProcessor } from '../processors/vendored-packages.ts';
import type { TargetDescription } from '../model.ts';
import type { InventoryProcessor } from '../scan.ts';
import { apkCataloger } from './apk/cataloger.ts';
import type { Cataloger, CatalogerTag } from './cataloger.ts';
import { condaMetaCataloger } from './conda-meta/cataloger.ts';
import { pythonDistInfoCataloger } from './python-installed/dist-info-cataloger.ts';
import { pythonEggInfoCataloger } from './python-installed/egg-info-cataloger.ts';
import { pythonVenvCataloger } from './python-installed/venv-cataloger.ts';
import { requirementsCataloger } from './requirements/index.ts';
import { condaEnvironmentCataloger } from './conda-environment/cataloger.ts';
import { condaExplicitCataloger } from './conda-explicit/cataloger.ts';
import { pipReportCataloger } from './pip-report/cataloger.ts';
import { pipfileLockCataloger } from './pipfile-lock/cataloger.ts';
import { poetryLockCataloger } from './poetry-lock/cataloger.ts';
import { pylockCataloger } from './pylock/cataloger.ts';
import { uvLockCataloger } from './uv-lock/cataloger.ts';
import { DPKG_CATALOGER } from './dpkg/cataloger.ts';
import { osReleaseCataloger } from './os-release/cataloger.ts';

/** Every cataloger raygate has. Adding a format is one folder plus one line here. */
export const CATALOGERS: readonly Cataloger[] = [
  osReleaseCataloger,
  DPKG_CATALOGER,
  apkCataloger,
  pythonDistInfoCataloger,
  pythonEggInfoCataloger,
  pythonVenvCataloger,
  condaMetaCataloger,
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
export const PROCESSORS: readonly InventoryProcessor[] = [
  pythonEnvironmentsProcessor,
  vendoredPackagesProcessor,
  pythonDependenciesProcessor,
  condaReconciliationProcessor,
];

const IMAGE_TARGETS = new Set(['image', 'docker-archive', 'oci-dir', 'oci-archive']);

/**
 * The catalogers a target is read with unless the user chooses: every cataloger for one named file (each
 * decides from `fileAccepted`), what is installed for an image (a lock file inside an image is not what the
 * image runs), installed and declared for a folder.
 */
export function catalogersForTarget(
  target: TargetDescription,
  singleFile: string | undefined,
  available: readonly Cataloger[] = CATALOGERS,
): Cataloger[] {
  if (singleFile) return [...available];
  const tags: readonly CatalogerTag[] = IMAGE_TARGETS.has(target.type)
    ? ['image']
    : ['installed', 'declared'];
  return available.filter((c) => c.tags.some((t) => tags.includes(t)));
}

/** The catalogers carrying any of `tags`, in registry order. */
export function selectCatalogers(tags: readonly CatalogerTag[]): Cataloger[] {
  return CATALOGERS.filter((c) => c.tags.some((t) => tags.includes(t)));
}
