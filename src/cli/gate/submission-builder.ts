import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseDistributionFilename } from '../../attest/pep740/dist-filename.ts';
import { RaygateError } from '../../shared/errors.ts';
import type { SubmissionBody, SubmittedArtifact, SubmittedDocument } from '../../gate/submission.ts';

/** What `gate submit` was told on its command line, before any file is read. */
export interface SubmissionInput {
  project: string;
  version: string;
  images: string[];
  files: string[];
  sboms: string[];
  bundles: string[];
  locks: string[];
  manifests: string[];
  policy?: string;
  git: { repository?: string; ref?: string; commit?: string };
}

/** The server bounds bodies too; refusing a huge document here gives the clearer message. */
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * Builds the `POST /api/v1/releases` body: files are hashed (never uploaded), documents are read and sent
 * base64, and every `ARTIFACT=FILE` pairing is resolved to the artifact's index or refused.
 */
export async function buildSubmission(input: SubmissionInput, cwd = process.cwd()): Promise<SubmissionBody> {
  const artifacts: SubmittedArtifact[] = [];
  const keys: string[][] = [];
  for (const image of input.images) {
    if (!/@sha256:[0-9a-f]{64}$/.test(image)) {
      throw new RaygateError(
        'GATE_IMAGE_NOT_PINNED',
        'usage',
        `--image ${image} must name a digest (…@sha256:<64 hex>): a tag can move after the gate has judged it.`,
      );
    }
    artifacts.push({ kind: 'image', image });
    keys.push([image]);
  }
  for (const file of input.files) {
    const name = path.basename(file);
    const kind = parseDistributionFilename(name)?.kind ?? 'file';
    artifacts.push({ kind, name, sha256: await sha256OfFile(file, cwd) });
    keys.push([file, name]);
  }
  if (artifacts.length === 0) {
    throw new RaygateError('GATE_NO_ARTIFACTS', 'usage', 'Name at least one --image or --file to release.');
  }
  const documents: SubmittedDocument[] = [];
  const attached = async (role: 'sbom' | 'bundle', values: string[]) => {
    for (const value of values) {
      const { artifact, file } = splitAttachment(value, role, artifacts.length, keys);
      const bytes = await readInput(file, cwd, `--${role}`);
      documents.push({ role, artifact, name: path.basename(file), content: bytes.toString('base64') });
    }
  };
  await attached('sbom', input.sboms);
  await attached('bundle', input.bundles);
  for (const [role, values] of [
    ['lock-file', input.locks],
    ['manifest', input.manifests],
  ] as const) {
    for (const file of values) {
      const bytes = await readInput(file, cwd, role === 'lock-file' ? '--lock' : '--manifest');
      documents.push({ role, name: relativeName(file, cwd), content: bytes.toString('base64') });
    }
  }
  const git = Object.fromEntries(Object.entries(input.git).filter(([, v]) => v !== undefined && v !== ''));
  return {
    project: input.project,
    version: input.version,
    ...(Object.keys(git).length > 0 ? { git } : {}),
    ...(input.policy ? { policy: input.policy } : {}),
    artifacts,
    ...(documents.length > 0 ? { documents } : {}),
  };
}

function splitAttachment(
  value: string,
  role: string,
  count: number,
  keys: string[][],
): { artifact: number; file: string } {
  const eq = value.lastIndexOf('=');
  if (eq === -1) {
    if (count !== 1) {
      throw new RaygateError(
        'GATE_ATTACHMENT_AMBIGUOUS',
        'usage',
        `--${role} ${value}: with ${count} artifacts, write ARTIFACT=FILE to say which one it is about.`,
      );
    }
    return { artifact: 0, file: value };
  }
  const key = value.slice(0, eq);
  const file = value.slice(eq + 1);
  const index = keys.findIndex((names) => names.includes(key));
  if (index === -1) {
    throw new RaygateError(
      'GATE_ATTACHMENT_UNKNOWN',
      'usage',
      `--${role} ${value}: '${key}' is not one of the --image or --file arguments.`,
    );
  }
  return { artifact: index, file };
}

/** A lock file or manifest keeps its path relative to the working directory, as the policy reports it. */
function relativeName(file: string, cwd: string): string {
  const relative = path.relative(cwd, path.resolve(cwd, file)).split(path.sep).join('/');
  return relative.startsWith('../') || path.isAbsolute(relative) ? path.basename(file) : relative;
}

async function readInput(file: string, cwd: string, flag: string): Promise<Buffer> {
  const full = path.resolve(cwd, file);
  try {
    const info = await stat(full);
    if (!info.isFile())
      throw new RaygateError('GATE_INPUT_UNREADABLE', 'input', `${flag} ${file} is not a file.`);
    if (info.size > MAX_DOCUMENT_BYTES) {
      throw new RaygateError('GATE_INPUT_TOO_LARGE', 'limit', `${flag} ${file} is larger than 64 MiB.`);
    }
    return await readFile(full);
  } catch (error) {
    if (error instanceof RaygateError) throw error;
    throw new RaygateError(
      'GATE_INPUT_UNREADABLE',
      'input',
      `Cannot read ${flag} ${file}: ${(error as Error).message}`,
    );
  }
}

/** Artifacts can be GBs: hashed as a stream, never held whole. */
async function sha256OfFile(file: string, cwd: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path.resolve(cwd, file))) hash.update(chunk as Buffer);
  } catch (error) {
    throw new RaygateError(
      'GATE_INPUT_UNREADABLE',
      'input',
      `Cannot read --file ${file}: ${(error as Error).message}`,
    );
  }
  return hash.digest('hex');
}
