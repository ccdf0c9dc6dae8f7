import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { CONDA_EXPLICIT_CATALOGER, parseCondaExplicit } from './parse-explicit.ts';

/**
 * Conventional explicit-file names: conda's documented `spec-file.txt`, `explicit*.txt`, and conda-lock's
 * per-platform `conda-<platform>.lock`. Any other file the user names is read when it has an `@EXPLICIT` line.
 */
const isExplicit = (base: string) =>
  base === 'spec-file.txt' || /^explicit.*\.txt$/.test(base) || /^conda-[a-z]+-[a-z0-9_]+\.lock$/.test(base);

export const condaExplicitCataloger: Cataloger = {
  name: CONDA_EXPLICIT_CATALOGER,
  tags: ['declared', 'conda', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isExplicit),
  fileAccepted: (path) => /\.(txt|lock)$/i.test(path) || !baseName(path).includes('.'),
  parse: (file) => parseCondaExplicit(file.path, file.bytes, isExplicit(baseName(file.path))),
};
