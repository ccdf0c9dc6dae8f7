import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { parsePoetryLock, POETRY_LOCK_CATALOGER } from './parse-poetry-lock.ts';

const isPoetryLock = (base: string) => base === 'poetry.lock';

/** Poetry's lock file (`poetry.lock`); a `*.lock` the user names is read when its content is a poetry lock. */
export const poetryLockCataloger: Cataloger = {
  name: POETRY_LOCK_CATALOGER,
  tags: ['declared', 'python', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isPoetryLock),
  fileAccepted: (path) => /\.lock$/i.test(path),
  parse: (file) => parsePoetryLock(file.path, file.bytes, isPoetryLock(baseName(file.path))),
};
