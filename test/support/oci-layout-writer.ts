import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface WrittenBlob {
  mediaType: string;
  digest: string;
  size: number;
}

export function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Writes an OCI image layout folder by hand (for hostile or synthetic images; real ones come from umoci/skopeo). */
export class OciLayoutWriter {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  async init(): Promise<void> {
    await mkdir(path.join(this.dir, 'blobs/sha256'), { recursive: true });
    await writeFile(path.join(this.dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  }

  async blob(bytes: Uint8Array, mediaType: string): Promise<WrittenBlob> {
    const digest = digestOf(bytes);
    await writeFile(path.join(this.dir, 'blobs/sha256', digest.slice(7)), bytes);
    return { mediaType, digest, size: bytes.length };
  }

  /** An image of these layer blobs (gzip or plain tar bytes), with a config listing their diff ids. */
  async image(
    layers: { bytes: Uint8Array; diffId: string; mediaType?: string }[],
    tag = 'latest',
  ): Promise<WrittenBlob> {
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
        config: {},
      }),
    );
    const configBlob = await this.blob(config, 'application/vnd.oci.image.config.v1+json');
    const layerBlobs = [];
    for (const l of layers)
      layerBlobs.push(await this.blob(l.bytes, l.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip'));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: configBlob,
        layers: layerBlobs,
      }),
    );
    const manifestBlob = await this.blob(manifest, 'application/vnd.oci.image.manifest.v1+json');
    await this.index([{ ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': tag } }]);
    return manifestBlob;
  }

  async index(manifests: object[]): Promise<void> {
    await writeFile(
      path.join(this.dir, 'index.json'),
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }),
    );
  }
}
