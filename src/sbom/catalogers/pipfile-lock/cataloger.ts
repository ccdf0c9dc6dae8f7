import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { parsePipfileLock, PIPFILE_LOCK_CATALOGER } from './parse-pipfile-lock.ts';

const isPipfileLock = (base: string) => base === 'Pipfile.lock';

/** pipenv's `Pipfile.lock`; a `*.lock` or `*.json` the user names is read when its content is one. */
export const pipfileLockCataloger: Cataloger = {
  name: PIPFILE_LOCK_CATALOGER,
  tags: ['declared', 'python', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isPipfileLock),
  fileAccepted: (path) => /\.(lock|json)$/i.test(path),
  parse: (file) => parsePipfileLock(file.path, file.bytes, isPipfileLock(baseName(file.path))),
};
