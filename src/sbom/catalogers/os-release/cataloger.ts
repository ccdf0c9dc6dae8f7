import { decodeText } from '../../../shared/text.ts';
import type { Package } from '../../model.ts';
import { packageId } from '../../package-id.ts';
import type { Cataloger, ParseResult } from '../cataloger.ts';
import { emptyResult } from '../cataloger.ts';
import { parseOsRelease } from './parse-os-release.ts';
import { isOsReleasePath } from './read-distro.ts';

/**
 * The operating system of an image or root file system, from os-release(5) at the target's root. When
 * both `/etc/os-release` and `/usr/lib/os-release` exist (Debian links the first to the second), only
 * `/etc/os-release` is reported, as the specification makes it take precedence.
 */
export const osReleaseCataloger: Cataloger = {
  name: 'os-release',
  tags: ['installed', 'os', 'image', 'directory'],
  fileRequired: (path) => path === '/etc/os-release' || path === '/usr/lib/os-release',
  keeps: (path) => isOsReleasePath(path),
  parse(file, context): ParseResult {
    if (file.path === '/usr/lib/os-release' && context.exists('/etc/os-release')) return emptyResult();
    const release = parseOsRelease(decodeText(file.bytes).text);
    if (!release) {
      return {
        ...emptyResult(),
        problems: [
          {
            code: 'SBOM_OS_RELEASE_INVALID',
            severity: 'warning',
            message: `${file.path} names no operating system.`,
            path: file.path,
          },
        ],
      };
    }
    const version = release.versionId ?? release.buildId;
    const pkg: Package = {
      id: packageId('os', release.id, version, file.path),
      ecosystem: 'os',
      name: release.id,
      ...(version ? { version } : {}),
      foundBy: 'os-release',
      locations: [{ path: file.path, ...(file.layer ? { layer: file.layer } : {}) }],
      hashes: [],
      licenses: [],
      metadata: {
        kind: 'os',
        id: release.id,
        ...(release.versionId ? { versionId: release.versionId } : {}),
        ...(release.versionCodename ? { versionCodename: release.versionCodename } : {}),
        ...(release.prettyName ? { prettyName: release.prettyName } : {}),
        ...(release.idLike.length > 0 ? { idLike: release.idLike } : {}),
      },
    };
    return { packages: [pkg], relationships: [], problems: [] };
  },
};
