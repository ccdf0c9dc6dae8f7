import { MEDIA_TYPES } from '../../src/oci/media-types.ts';
import { HostGuard } from '../../src/oci/host-policy.ts';
import { RegistryClient } from '../../src/oci/registry-client.ts';
import { buildTarGz } from './tar-builder.ts';

/** Pushes a one-layer linux/amd64 OCI image holding `files` to a plain-HTTP test registry; its manifest digest. */
export async function pushOneLayerImage(
  host: string,
  repository: string,
  tag: string,
  files: { name: string; content: string }[],
): Promise<string> {
  const client = new RegistryClient({
    registry: host,
    repository,
    insecure: true,
    hostGuard: new HostGuard({ allow: [host] }),
  });
  try {
    const layer = buildTarGz(files);
    const layerDigest = await client.pushBlob(layer);
    const config = Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
        config: {},
      }),
    );
    const configDigest = await client.pushBlob(config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: MEDIA_TYPES.ociConfig, digest: configDigest, size: config.length },
        layers: [
          {
            mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
            digest: layerDigest,
            size: layer.length,
          },
        ],
      }),
    );
    return (await client.putManifest(tag, manifest, MEDIA_TYPES.ociManifest)).digest;
  } finally {
    await client.close();
  }
}
