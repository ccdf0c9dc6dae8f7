import path from 'node:path';
import { REPO_ROOT } from './run-cli.ts';

/** Absolute path of a file under test/fixtures/. */
export function fixturePath(...parts: string[]): string {
  return path.join(REPO_ROOT, 'test', 'fixtures', ...parts);
}
