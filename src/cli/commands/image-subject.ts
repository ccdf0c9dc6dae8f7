import type { Command } from 'commander';
import { Option } from 'commander';
import type { Descriptor } from '../../oci/descriptor.ts';
import type { RegistryClient } from '../../oci/registry-client.ts';
import type { RegistryAccessOptions } from '../../sbom/sources/oci-registry-reader.ts';
import { say } from '../output.ts';

/** Registry options of the commands that push to an image (`sign image:REF`, `attest --push`). */
export interface ImagePushOptions {
  push?: boolean;
  insecureRegistry?: string[];
  allowRegistryHost?: string[];
  registryCa?: string;
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

export function withImagePushOptions(command: Command): Command {
  return command
    .option(
      '--push',
      'attach the bundle to the image as an OCI referrer (with the sha256-<hex> tag fallback)',
    )
    .addOption(
      new Option('--insecure-registry <HOST>', 'a registry spoken to over plain HTTP (repeatable)').argParser(
        repeat,
      ),
    )
    .addOption(
      new Option(
        '--allow-registry-host <HOST|CIDR>',
        'a private or loopback registry host to allow (repeatable)',
      ).argParser(repeat),
    )
    .option('--registry-ca <FILE>', 'extra CA certificates (PEM) for the registry');
}

export interface ImageSubject {
  client: RegistryClient;
  descriptor: Descriptor;
  /** `registry/repository`, the in-toto subject name. */
  name: string;
}

/** Resolves `image:REF` to the manifest it names (what a signature is about), keeping the client to push with. */
export async function resolveImageSubject(
  reference: string,
  options: ImagePushOptions,
): Promise<ImageSubject> {
  const [{ parseImageReference }, { connectRegistry }, { resolveSubject }] = await Promise.all([
    import('../../oci/reference.ts'),
    import('../../sbom/sources/oci-registry-reader.ts'),
    import('../../attest/oci-referrers/attach-client.ts'),
  ]);
  const ref = parseImageReference(reference);
  const access: RegistryAccessOptions = {
    ...(options.insecureRegistry ? { insecureRegistries: options.insecureRegistry } : {}),
    ...(options.allowRegistryHost ? { allowHosts: options.allowRegistryHost } : {}),
    ...(options.registryCa ? { caFile: options.registryCa } : {}),
  };
  const client = await connectRegistry(ref, access);
  try {
    const descriptor = await resolveSubject(client, ref.digest ?? ref.tag!);
    return { client, descriptor, name: `${ref.registry}/${ref.repository}` };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/** Attaches a signed bundle to the image and says where it went. */
export async function pushBundle(
  subject: ImageSubject,
  bundle: unknown,
  predicateType: string,
): Promise<void> {
  const { attachBundle } = await import('../../attest/oci-referrers/attach-client.ts');
  const attached = await attachBundle(
    subject.client,
    subject.descriptor,
    Buffer.from(JSON.stringify(bundle)),
    {
      content: 'dsse-envelope',
      predicateType,
    },
  );
  say(
    `Attached to ${subject.name}@${subject.descriptor.digest} as referrer ${attached.referrer}` +
      (attached.indexedBy === 'registry'
        ? ' (indexed by the registry).'
        : ` (listed in the ${subject.descriptor.digest.replace(':', '-')} referrers tag).`),
  );
}
