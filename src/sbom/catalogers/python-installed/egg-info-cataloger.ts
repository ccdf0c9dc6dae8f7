import type { Problem } from '../../model.ts';
import { requiresTxtToRequirements } from '../../python/egg-requires.ts';
import { parseInstalledFilesTxt } from '../../python/record.ts';
import { dirnameOf } from '../../sources/paths.ts';
import type { CatalogContext, CatalogFile, Cataloger, ParseResult } from '../cataloger.ts';
import {
  condaPackageCacheEntry,
  installDirOf,
  isCondaPackageCacheIndex,
  isEggInfoMetadata,
  isEggInfoSibling,
} from './paths.ts';
import { inCondaPackageCache, readSiblingText, topLevelNames } from './read-siblings.ts';
import { toInstalledPackage } from './to-package.ts';

const NAME = 'python-egg-info';

/**
 * Installed distributions in the older egg formats: `<name>.egg-info/PKG-INFO` (setuptools, `setup.py
 * install`, editable installs), `<name>.egg/EGG-INFO/PKG-INFO` (unpacked eggs), and a `<name>.egg-info`
 * file (what Debian's python3-* packages install).
 */
export const pythonEggInfoCataloger: Cataloger = {
  name: NAME,
  tags: ['installed', 'python', 'image', 'directory'],
  fileRequired: isEggInfoMetadata,
  keeps: (path) => isEggInfoSibling(path) || isCondaPackageCacheIndex(path),
  parse: parseEggInfo,
};

async function parseEggInfo(file: CatalogFile, context: CatalogContext): Promise<ParseResult> {
  const problems: Problem[] = [];
  if (inCondaPackageCache(context, condaPackageCacheEntry(file.path))) {
    return { packages: [], relationships: [], problems };
  }
  const isFile = file.path.endsWith('.egg-info');
  const dir = isFile ? file.path : dirnameOf(file.path);
  const installDir = installDirOf(isFile ? file.path : dir);
  const [requires, topLevel, installedFiles] = isFile
    ? [undefined, undefined, undefined]
    : await Promise.all(
        ['requires.txt', 'top_level.txt', 'installed-files.txt'].map((name) =>
          readSiblingText(context, `${dir}/${name}`),
        ),
      );
  const pkg = toInstalledPackage(
    {
      cataloger: NAME,
      format: 'egg-info',
      metadataPath: file.path,
      metadataDir: dir,
      installDir,
      metadataBytes: file.bytes,
      installedFiles:
        installedFiles === undefined
          ? undefined
          : { files: parseInstalledFilesTxt(installedFiles), base: dir, path: `${dir}/installed-files.txt` },
      topLevel: topLevelNames(topLevel),
      eggRequirements: requires === undefined ? undefined : requiresTxtToRequirements(requires),
    },
    problems,
  );
  return { packages: pkg ? [pkg] : [], relationships: [], problems };
}
