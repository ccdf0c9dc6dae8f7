import { readFile } from 'node:fs/promises';
import type { CredentialResolver } from '../../oci/credentials.ts';
import { dockerConfigResolver, loadDockerConfig } from '../../oci/docker-config-reader.ts';
import { HostGuard, splitHostPort } from '../../oci/host-policy.ts';
import { parseImageConfig } from '../../oci/image-config.ts';
import { parseManifestDocument } from '../../oci/manifest.ts';
import type { Platform } from '../../oci/descriptor.ts';
import { parseImageReference, formatReference } from '../../oci/reference.ts';
import type { ImageReference } from '../../oci/reference.ts';
import { RegistryClient } from '../../oci/registry-client.ts';
import { selectPlatform } from '../../oci/platform.ts';
import { RaygateError } from '../../shared/errors.ts';
import { describeImage } from './image-description.ts';
import type { ImageLimits } from './image-limits.ts';
import type { ResolvedImage } from './image-source.ts';
import type { LayerBlob } from './layer-reader.ts';

/** How raygate may reach registries: the `sbom` command's flags, or the API server's configuration. */
export interface RegistryAccessOptions {
  /** Registries (`host[:port]`) spoken to over plain HTTP; naming one also allows its address. */
  insecureRegistries?: readonly string[];
  /** Hosts or CIDR ranges allowed even when private, loopback or link-local. */
  allowHosts?: readonly string[];
  denyHosts?: readonly string[];
  /** PEM file of extra CA certificates to trust. */
  caFile?: string;
  /** Folder holding Docker's config.json (default `$DOCKER_CONFIG` or `~/.docker`). */
  dockerConfigDir?: string;
  /** Overrides the Docker config lookup (tests, the API server's own secrets). */
  credentials?: CredentialResolver;
}

/** Resolves `image:REF` against its registry: manifest (or index narrowed to the platform) and config. */
export async function readRegistryImage(
  referenceText: string,
  platform: Platform,
  access: RegistryAccessOptions,
  limits: ImageLimits,
): Promise<ResolvedImage> {
  const ref = parseImageReference(referenceText);
  const client = await connectRegistry(ref, access);
  try {
    const parseLimits = { maxLayers: limits.maxLayers, maxManifests: limits.maxLayers };
    let fetched = await client.getManifest(ref.digest ?? ref.tag!, limits.maxManifestBytes);
    let doc = parseManifestDocument(fetched.bytes, fetched.mediaType, parseLimits);
    for (let depth = 0; doc.kind === 'index'; depth++) {
      if (depth > 3)
        throw new RaygateError(
          'OCI_MANIFEST_INVALID',
          'input',
          `${formatReference(ref)}: indexes nest too deep.`,
        );
      const chosen = selectPlatform(doc.manifests, platform, formatReference(ref));
      fetched = await client.getManifest(chosen.digest, limits.maxManifestBytes);
      doc = parseManifestDocument(fetched.bytes, fetched.mediaType, parseLimits);
    }
    const config = parseImageConfig(await client.getBlob(doc.config.digest, limits.maxManifestBytes));
    const layers: LayerBlob[] = doc.layers.map((l) => ({
      digest: l.digest,
      mediaType: l.mediaType,
      size: l.size,
    }));
    const repository = `${ref.registry}/${ref.repository}`;
    const description = describeImage({
      type: 'image',
      name: referenceText,
      repository,
      ...(ref.tag ? { tag: ref.tag } : {}),
      manifestDigest: fetched.digest,
      configDigest: doc.config.digest,
      platform: config.platform,
      layers: layers.map((l) => l.digest),
      diffIds: config.diffIds,
      ...(config.created ? { created: config.created } : {}),
    });
    return {
      description,
      layers,
      openBlob: (blob, signal) => client.openBlob(blob.digest, signal),
      close: () => client.close(),
    };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** A registry client for the repository `ref` names, with the access options' host policy, CA and credentials. */
export async function connectRegistry(
  ref: ImageReference,
  access: RegistryAccessOptions,
): Promise<RegistryClient> {
  const insecure = (access.insecureRegistries ?? []).some((r) => sameHost(r, ref.registry));
  const guard = new HostGuard({
    allow: [...(access.allowHosts ?? []), ...(access.insecureRegistries ?? [])],
    deny: access.denyHosts ?? [],
  });
  let ca: string | undefined;
  if (access.caFile) {
    try {
      ca = await readFile(access.caFile, 'utf8');
    } catch (error) {
      throw new RaygateError('OCI_CA_UNREADABLE', 'input', `Cannot read the CA file ${access.caFile}.`, {
        cause: error,
      });
    }
  }
  const credentials =
    access.credentials ?? dockerConfigResolver(await loadDockerConfig(access.dockerConfigDir));
  return new RegistryClient({
    registry: ref.registry,
    repository: ref.repository,
    credentials,
    insecure,
    hostGuard: guard,
    ...(ca ? { ca } : {}),
  });
}

function sameHost(a: string, b: string): boolean {
  const x = splitHostPort(a);
  const y = splitHostPort(b);
  return x.host === y.host && (x.port ?? '') === (y.port ?? '');
}
