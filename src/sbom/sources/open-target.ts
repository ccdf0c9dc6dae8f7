import { stat } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_PLATFORM, parsePlatform } from '../../oci/platform.ts';
import { RaygateError } from '../../shared/errors.ts';
import { directorySource } from './directory-reader.ts';
import { readDockerArchive } from './docker-archive-reader.ts';
import type { Source } from './file-tree.ts';
import { IMAGE_LIMITS } from './image-limits.ts';
import type { ImageLimits } from './image-limits.ts';
import { imageSource } from './image-source.ts';
import type { ImageProgress, ResolvedImage } from './image-source.ts';
import { readOciArchive, readOciLayoutFolder } from './oci-layout-reader.ts';
import { readRegistryImage } from './oci-registry-reader.ts';
import type { RegistryAccessOptions } from './oci-registry-reader.ts';

export interface OpenedTarget {
  source: Source;
  /** Set when the user named one file: the tree path of that file. */
  singleFile?: string;
}

const PREFIXES = ['dir:', 'file:'] as const;
const IMAGE_PREFIXES = ['image:', 'docker-archive:', 'oci-dir:', 'oci-archive:'] as const;

/** How images are read: the platform to pick from multi-arch images, registry access, bounds, progress. */
export interface OpenTargetOptions {
  /** `os/arch[/variant]`; default linux/amd64. */
  platform?: string;
  registry?: RegistryAccessOptions;
  limits?: Partial<ImageLimits>;
  onProgress?: (progress: ImageProgress) => void;
}

/**
 * Turns what the user typed into a Source: `dir:PATH`, `file:PATH`, or a bare path detected as either.
 * A single file is scanned as a tree rooted at its folder so that its includes (`-r other.txt`) resolve
 * relative to it, and can never climb above it.
 */
export async function openTarget(spec: string, options: OpenTargetOptions = {}): Promise<OpenedTarget> {
  const imagePrefix = IMAGE_PREFIXES.find((p) => spec.startsWith(p));
  if (imagePrefix) return { source: await openImage(imagePrefix, spec.slice(imagePrefix.length), options) };
  const prefix = PREFIXES.find((p) => spec.startsWith(p));
  const hostPath = prefix ? spec.slice(prefix.length) : spec;
  if (hostPath === '') throw new RaygateError('TARGET_INVALID', 'usage', `Target '${spec}' names no path.`);
  if (!prefix && /^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) {
    throw new RaygateError(
      'TARGET_UNSUPPORTED',
      'usage',
      `Target '${spec}' has an unknown scheme. Use dir:PATH, file:PATH, image:REF, docker-archive:PATH, oci-dir:PATH or oci-archive:PATH, or a plain path.`,
    );
  }
  let info;
  try {
    info = await stat(hostPath);
  } catch (error) {
    throw new RaygateError('TARGET_NOT_FOUND', 'input', `Cannot open ${hostPath}: no such file or folder.`, {
      cause: error,
    });
  }
  const absolute = path.resolve(hostPath);
  const kind =
    prefix === 'dir:' ? 'directory' : prefix === 'file:' ? 'file' : info.isDirectory() ? 'directory' : 'file';
  if (kind === 'directory') {
    if (!info.isDirectory())
      throw new RaygateError('TARGET_NOT_DIRECTORY', 'input', `${hostPath} is not a folder.`);
    return {
      source: directorySource(absolute, { type: 'directory', name: hostPath, version: undefined }),
    };
  }
  if (!info.isFile())
    throw new RaygateError('TARGET_NOT_FILE', 'input', `${hostPath} is not a regular file.`);
  const singleFile = `/${path.basename(absolute)}`;
  const source = directorySource(
    path.dirname(absolute),
    { type: 'file', name: hostPath },
    { only: [singleFile] },
  );
  return { source, singleFile };
}

/**
 * `image:REF` (a registry), `docker-archive:PATH[:TAG]`, `oci-dir:PATH[:TAG]`, `oci-archive:PATH[:TAG]`
 * (skopeo's spelling: the tag picks one image when the archive or layout holds several).
 */
async function openImage(
  prefix: (typeof IMAGE_PREFIXES)[number],
  rest: string,
  options: OpenTargetOptions,
): Promise<Source> {
  if (rest === '') throw new RaygateError('TARGET_INVALID', 'usage', `Target '${prefix}' names no image.`);
  const limits: ImageLimits = { ...IMAGE_LIMITS, ...options.limits };
  const platform = parsePlatform(options.platform ?? DEFAULT_PLATFORM);
  let image: ResolvedImage;
  if (prefix === 'image:') {
    image = await readRegistryImage(rest, platform, options.registry ?? {}, limits);
  } else {
    const { hostPath, tag } = await splitPathAndTag(rest);
    const name = `${prefix}${rest}`;
    const selection = tag ? { tag, platform } : { platform };
    if (prefix === 'docker-archive:') image = await readDockerArchive(hostPath, selection, limits, name);
    else if (prefix === 'oci-dir:') image = await readOciLayoutFolder(hostPath, selection, limits, name);
    else image = await readOciArchive(hostPath, selection, limits, name);
  }
  return imageSource(image, { limits, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
}

/** `PATH:TAG` when PATH exists and the whole does not; otherwise the whole is the path. */
async function splitPathAndTag(rest: string): Promise<{ hostPath: string; tag?: string }> {
  if (await exists(rest)) return { hostPath: rest };
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && (await exists(rest.slice(0, colon))))
    return { hostPath: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  throw new RaygateError('TARGET_NOT_FOUND', 'input', `Cannot open ${rest}: no such file or folder.`);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
