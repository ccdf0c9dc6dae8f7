import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { RaygateError } from '../../shared/errors.ts';
import type { RegisterCommand } from './index.ts';
import { readBoundedFile, signAndWrite, withSigningOptions } from './sign.ts';
import type { SigningOptions } from './sign.ts';
import type { Subject } from '../../attest/statement.ts';
import { pushBundle, resolveImageSubject, withImagePushOptions } from './image-subject.ts';
import type { ImagePushOptions, ImageSubject } from './image-subject.ts';

interface AttestOptions extends SigningOptions, ImagePushOptions {
  predicate: string;
  type: string;
  subject: string[];
  rekorEntryType: 'dsse' | 'intoto';
}

/** Short names for the predicate types raygate's users attest most. */
export const PREDICATE_TYPES: Record<string, string> = {
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  'slsa-provenance': 'https://slsa.dev/provenance/v1',
  'slsa-provenance-v0.2': 'https://slsa.dev/provenance/v0.2',
  vsa: 'https://slsa.dev/verification_summary/v1',
};

const NAMED_DIGEST = /^(.+)@sha256:([0-9a-fA-F]{64})$/;
const MAX_PREDICATE = 32 * 1024 * 1024;

async function toSubject(spec: string, options: AttestOptions, images: ImageSubject[]): Promise<Subject> {
  if (spec.startsWith('image:')) {
    const image = await resolveImageSubject(spec.slice('image:'.length), options);
    images.push(image);
    return { name: image.name, digest: { sha256: image.descriptor.digest.slice('sha256:'.length) } };
  }
  if (existsSync(spec)) {
    const bytes = await readBoundedFile(
      spec,
      'the subject',
      'ARTIFACT_UNREADABLE',
      2 * 1024 * 1024 * 1024 - 1,
    );
    return {
      name: path.basename(spec),
      digest: { sha256: createHash('sha256').update(bytes).digest('hex') },
    };
  }
  const match = NAMED_DIGEST.exec(spec);
  if (match?.[1] && match[2]) return { name: match[1], digest: { sha256: match[2].toLowerCase() } };
  throw new RaygateError(
    'USAGE_SUBJECT_INVALID',
    'usage',
    `--subject ${JSON.stringify(spec)} is neither a file, image:REF nor NAME@sha256:<64 hex>.`,
  );
}

function predicateType(type: string): string {
  const expanded = PREDICATE_TYPES[type] ?? type;
  if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(expanded)) {
    throw new RaygateError(
      'USAGE_PREDICATE_TYPE_INVALID',
      'usage',
      `--type ${JSON.stringify(type)} is not a URI (or one of ${Object.keys(PREDICATE_TYPES).join(', ')}).`,
    );
  }
  return expanded;
}

export const registerAttest: RegisterCommand = (program: Command) =>
  withImagePushOptions(
    withSigningOptions(
      program
        .command('attest')
        .description(
          'Sign an in-toto statement (a predicate about one or more subjects) into a Sigstore bundle with a DSSE envelope: SBOM attestations, SLSA provenance, verification summaries.',
        )
        .requiredOption('--predicate <FILE>', 'the predicate (JSON), e.g. a CycloneDX SBOM')
        .requiredOption(
          '--type <URI>',
          `the predicate type URI, or one of: ${Object.entries(PREDICATE_TYPES)
            .map(([k, v]) => `${k} (${v})`)
            .join(', ')}`,
        )
        .requiredOption(
          '--subject <FILE|NAME@sha256:HEX>',
          'what the statement is about (repeatable)',
          (value: string, previous: string[] = []) => [...previous, value],
        )
        .option('--rekor-entry-type <TYPE>', 'Rekor v1 entry type for the envelope: dsse or intoto', 'dsse'),
    ),
  ).action(async (options: AttestOptions) => {
    if (options.rekorEntryType !== 'dsse' && options.rekorEntryType !== 'intoto') {
      throw new RaygateError('USAGE_ENTRY_TYPE_INVALID', 'usage', '--rekor-entry-type is dsse or intoto.');
    }
    const type = predicateType(options.type);
    const images: ImageSubject[] = [];
    if (options.push && !options.subject.some((s) => s.startsWith('image:'))) {
      throw new RaygateError(
        'USAGE_CONFLICT',
        'usage',
        '--push attaches the attestation to an image: give --subject image:REF.',
      );
    }
    const subjects: Subject[] = [];
    try {
      for (const spec of options.subject) subjects.push(await toSubject(spec, options, images));
      const predicateText = await readBoundedFile(
        options.predicate,
        'the predicate',
        'PREDICATE_INVALID',
        MAX_PREDICATE,
      );
      let predicate: unknown;
      try {
        predicate = JSON.parse(predicateText.toString('utf8'));
      } catch (error) {
        throw new RaygateError(
          'PREDICATE_INVALID',
          'input',
          `The predicate is not JSON: ${(error as Error).message}.`,
        );
      }
      if (typeof predicate !== 'object' || predicate === null || Array.isArray(predicate)) {
        throw new RaygateError('PREDICATE_INVALID', 'input', 'The predicate must be a JSON object.');
      }
      const { toStatement, IN_TOTO_PAYLOAD_TYPE } = await import('../../attest/statement.ts');
      const statement = Buffer.from(JSON.stringify(toStatement(subjects, type, predicate)));
      const first = subjects[0]!;
      const bundle = await signAndWrite(
        statement,
        { kind: 'dsse', payloadType: IN_TOTO_PAYLOAD_TYPE },
        options,
        { kind: 'digest', algorithm: 'sha256', hex: first.digest.sha256 ?? '' },
        options.rekorEntryType,
      );
      if (options.push) for (const image of images) await pushBundle(image, bundle, type);
    } finally {
      for (const image of images) await image.client.close();
    }
  });
