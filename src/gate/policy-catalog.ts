import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { POLICY_NAME_PATTERN } from '../config.ts';
import { policyDigest } from '../policy/digest.ts';
import { parsePolicy } from '../policy/policy-parse.ts';
import type { Policy } from '../policy/policy.ts';
import { readPolicyFile } from '../policy/policy-reader.ts';
import { RaygateError } from '../shared/errors.ts';

export interface LoadedPolicy {
  /** The file name without `.yaml`: what submissions name. */
  name: string;
  policy: Policy;
  /** sha256 of the normalised policy's canonical JSON: what decisions and VSAs record. */
  digest: string;
  /** The file as written: stored with each release so its evaluations never change under it. */
  text: string;
}

const NAME = new RegExp(POLICY_NAME_PATTERN);

/**
 * The policies a gate offers: `<dir>/<name>.yaml`, read and validated when asked for. A name is never a
 * path: it must match the name pattern, so a request cannot read files outside the folder.
 */
export class PolicyCatalog {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  async load(name: string): Promise<LoadedPolicy> {
    if (!NAME.test(name)) {
      throw new RaygateError('GATE_POLICY_UNKNOWN', 'input', `'${name}' is not a policy name.`);
    }
    const file = path.join(this.dir, `${name}.yaml`);
    let text: string;
    try {
      text = await readPolicyFile(file);
    } catch (error) {
      throw new RaygateError(
        'GATE_POLICY_UNKNOWN',
        'input',
        `This gate has no policy '${name}' (no readable ${name}.yaml in its policies folder).`,
        { cause: error },
      );
    }
    return parseStored(name, text);
  }

  /** Every policy in the folder that parses; broken files are listed with their problem. */
  async list(): Promise<({ name: string } & ({ policy: LoadedPolicy } | { error: string }))[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch {
      return [];
    }
    const names = files
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .filter((n) => NAME.test(n))
      .sort();
    const out: ({ name: string } & ({ policy: LoadedPolicy } | { error: string }))[] = [];
    for (const name of names) {
      try {
        out.push({ name, policy: await this.load(name) });
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause ?? error;
        out.push({ name, error: (cause as Error).message });
      }
    }
    return out;
  }
}

/** A policy from its stored text (a release's frozen copy). Throws POLICY_INVALID for a broken one. */
export function parseStored(name: string, text: string): LoadedPolicy {
  const policy = parsePolicy(text, `${name}.yaml`);
  return { name, policy, digest: policyDigest(policy), text };
}
