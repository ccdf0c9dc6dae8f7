import type { RegistryClient } from '../../oci/registry-client.ts';
import { isRaygateError } from '../../shared/errors.ts';
import type { AttachmentStore } from './discover.ts';
import { ATTACHMENT_LIMITS } from './limits.ts';

/** A registry repository as a store of attachments, over raygate's registry client. */
export function registryAttachmentStore(client: RegistryClient): AttachmentStore {
  return {
    where: `${client.registry}/${client.repository}`,
    manifest: async (digest) => (await client.getManifest(digest, ATTACHMENT_LIMITS.maxManifestBytes)).bytes,
    manifestByTag: async (tag) => {
      try {
        const fetched = await client.getManifest(tag, ATTACHMENT_LIMITS.maxManifestBytes);
        return { bytes: fetched.bytes, digest: fetched.digest };
      } catch (error) {
        if (isRaygateError(error) && error.code === 'OCI_MANIFEST_UNKNOWN') return undefined;
        throw error;
      }
    },
    blob: (digest, maxBytes) => client.getBlob(digest, maxBytes),
    referrers: async (digest) =>
      (
        await client.getReferrers(digest, {
          maxBytes: ATTACHMENT_LIMITS.maxManifestBytes,
          maxPages: ATTACHMENT_LIMITS.maxReferrerPages,
        })
      )?.pages,
  };
}
