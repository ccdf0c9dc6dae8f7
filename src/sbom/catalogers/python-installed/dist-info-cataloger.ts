import type { Problem } from '../../model.ts';
import { parseDirectUrl } from '../../python/direct-url.ts';
import { parseRecord } from '../../python/record.ts';
import { parseWheelTags } from '../../python/wheel-tags.ts';
import { dirnameOf } from '../../sources/paths.ts';
import type { CatalogContext, CatalogFile, Cataloger, ParseResult } from '../cataloger.ts';
import {
  condaPackageCacheEntry,
  installDirOf,
  isCondaPackageCacheIndex,
  isDistInfoMetadata,
  isDistInfoRecord,
  isDistInfoSibling,
} from './paths.ts';
import { firstLine, inCondaPackageCache, readSiblingText, topLevelNames } from './read-siblings.ts';
import { toInstalledPackage } from './to-package.ts';

const NAME = 'python-dist-info';

/**
 * Installed distributions in the `.dist-info` format (pip, uv, conda, Debian's newer packages), anywhere
 * in the tree: site-packages, dist-packages, `--target` folders, and copies vendored inside other packages.
 */
export const pythonDistInfoCataloger: Cataloger = {
  name: NAME,
  tags: ['installed', 'python', 'image', 'directory'],
  fileRequired: (path) => isDistInfoMetadata(path) || isDistInfoRecord(path),
  keeps: (path) => isDistInfoSibling(path) || isCondaPackageCacheIndex(path),
  parse: (file, context) =>
    isDistInfoRecord(file.path) ? checkHasMetadata(file, context) : parseDistInfo(file, context),
};

async function parseDistInfo(file: CatalogFile, context: CatalogContext): Promise<ParseResult> {
  const problems: Problem[] = [];
  if (inCondaPackageCache(context, condaPackageCacheEntry(file.path))) {
    return { packages: [], relationships: [], problems };
  }
  const dir = dirnameOf(file.path);
  const installDir = installDirOf(dir);
  const [record, installer, wheel, directUrl, topLevel] = await Promise.all(
    ['RECORD', 'INSTALLER', 'WHEEL', 'direct_url.json', 'top_level.txt'].map((name) =>
      readSiblingText(context, `${dir}/${name}`),
    ),
  );
  const parsedDirectUrl = directUrl === undefined ? undefined : parseDirectUrl(directUrl);
  if (directUrl !== undefined && parsedDirectUrl === undefined) {
    problems.push({
      code: 'SBOM_PYTHON_DIRECT_URL_INVALID',
      severity: 'warning',
      message: `${dir}/direct_url.json is not a PEP 610 document; ignored.`,
      path: `${dir}/direct_url.json`,
      cataloger: NAME,
    });
  }
  const pkg = toInstalledPackage(
    {
      cataloger: NAME,
      format: 'dist-info',
      metadataPath: file.path,
      metadataDir: dir,
      installDir,
      metadataBytes: file.bytes,
      installer: firstLine(installer),
      wheelTags: wheel === undefined ? [] : parseWheelTags(wheel),
      directUrl: parsedDirectUrl,
      installedFiles:
        record === undefined
          ? undefined
          : { files: parseRecord(record), base: installDir, path: `${dir}/RECORD` },
      topLevel: topLevelNames(topLevel),
    },
    problems,
  );
  return { packages: pkg ? [pkg] : [], relationships: [], problems };
}

/** A dist-info folder with a RECORD but no METADATA is a broken install: a problem, not a package. */
function checkHasMetadata(file: CatalogFile, context: CatalogContext): ParseResult {
  const dir = dirnameOf(file.path);
  const problems: Problem[] = [];
  if (
    !context.exists(`${dir}/METADATA`) &&
    !inCondaPackageCache(context, condaPackageCacheEntry(file.path))
  ) {
    problems.push({
      code: 'SBOM_PYTHON_METADATA_MISSING',
      severity: 'error',
      message: `${dir} has no METADATA file; it is not reported as a package.`,
      path: dir,
      cataloger: NAME,
    });
  }
  return { packages: [], relationships: [], problems };
}
