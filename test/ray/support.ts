import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  lintRay,
  type InstalledRay,
  type RayAdvisoryLookup,
  type RayLintResult,
} from '../../src/ray/index.ts';
import { REPO_ROOT } from '../support/run-cli.ts';

export const RAY_FIXTURES = path.join(REPO_ROOT, 'test/fixtures/ray');

/** Lints fixture files (paths relative to test/fixtures/ray), as the CLI would after reading them. */
export async function lintFixtures(
  files: readonly string[],
  options: {
    rules?: string[];
    installed?: InstalledRay[];
    advisories?: RayAdvisoryLookup;
    allowedIndexes?: string[];
  } = {},
): Promise<RayLintResult> {
  const inputs = files.map((f) => ({
    path: f,
    content: readFileSync(path.join(RAY_FIXTURES, f), 'utf8'),
    explicit: true,
  }));
  return lintRay(
    { files: inputs, ...(options.installed ? { installed: options.installed } : {}) },
    {
      ...(options.rules ? { rules: options.rules } : {}),
      ...(options.advisories ? { advisories: options.advisories } : {}),
      ...(options.allowedIndexes ? { allowedIndexes: options.allowedIndexes } : {}),
    },
  );
}

/** Findings as `severity file:line` strings, in report order, for exact assertions. */
export function found(result: RayLintResult, ruleId?: string): string[] {
  return result.findings
    .filter((f) => !ruleId || f.ruleId === ruleId)
    .map((f) => `${f.severity} ${f.file}:${f.line ?? '-'}`);
}

/** Lints with one rule only and returns its findings as `severity file:line`. */
export async function ruleFindings(ruleId: string, ...files: string[]): Promise<string[]> {
  return found(await lintFixtures(files, { rules: [ruleId] }), ruleId);
}
