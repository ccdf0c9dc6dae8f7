import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RaygateError } from '../../shared/errors.ts';
import { archiveBlobStore, folderBlobStore, openArchive } from './blob-stores.ts';
import type { ImageLimits } from './image-limits.ts';
import type { ResolvedImage } from './image-source.ts';
import { resolveLayoutImage } from './oci-layout.ts';
import type { LayoutSelection } from './oci-layout.ts';

/** An OCI image layout folder (`oci-layout`, `index.json`, `blobs/`), as skopeo, umoci and buildx write it. */
export async function readOciLayoutFolder(
  dir: string,
  selection: LayoutSelection,
  limits: ImageLimits,
  name: string,
): Promise<ResolvedImage> {
  await checkLayoutMarker(() => readFile(path.join(dir, 'oci-layout')), dir);
  let index: Uint8Array;
  try {
    index = await readFile(path.join(dir, 'index.json'));
  } catch (error) {
    throw new RaygateError('OCI_LAYOUT_INVALID', 'input', `${dir} has no index.json.`, { cause: error });
  }
  if (index.length > limits.maxManifestBytes) {
    throw new RaygateError(
      'OCI_MANIFEST_TOO_LARGE',
      'limit',
      `${dir}/index.json is larger than ${limits.maxManifestBytes} bytes.`,
    );
  }
  return resolveLayoutImage(folderBlobStore(dir), index, selection, limits, { type: 'oci-dir', name });
}

/** A tar of an OCI image layout (`skopeo copy … oci-archive:`, `buildx --output type=oci`). */
export async function readOciArchive(
  file: string,
  selection: LayoutSelection,
  limits: ImageLimits,
  name: string,
): Promise<ResolvedImage> {
  const archive = await openArchive(file);
  try {
    await checkLayoutMarker(() => archive.read('oci-layout', 4096), file);
    if (!archive.has('index.json'))
      throw new RaygateError('OCI_LAYOUT_INVALID', 'input', `${file} has no index.json.`);
    const index = await archive.read('index.json', limits.maxManifestBytes);
    return await resolveLayoutImage(archiveBlobStore(archive), index, selection, limits, {
      type: 'oci-archive',
      name,
    });
  } catch (error) {
    await archive.close();
    throw error;
  }
}

async function checkLayoutMarker(read: () => Promise<Uint8Array>, where: string): Promise<void> {
  let version: unknown;
  try {
    version = (JSON.parse(Buffer.from(await read()).toString('utf8')) as { imageLayoutVersion?: unknown })
      .imageLayoutVersion;
  } catch (error) {
    throw new RaygateError(
      'OCI_LAYOUT_INVALID',
      'input',
      `${where} is not an OCI image layout (no readable oci-layout file).`,
      {
        cause: error,
      },
    );
  }
  if (version !== '1.0.0') {
    throw new RaygateError(
      'OCI_LAYOUT_INVALID',
      'input',
      `${where} has image layout version ${String(version)}; raygate reads 1.0.0.`,
    );
  }
}
