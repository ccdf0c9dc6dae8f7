import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { parseUvLock, UV_LOCK_CATALOGER } from './parse-uv-lock.ts';

const isUvLock = (base: string) => base === 'uv.lock';

/** uv's lock file (`uv.lock`); a `*.lock` the user names is read when its content is a uv lock. */
export const uvLockCataloger: Cataloger = {
  name: UV_LOCK_CATALOGER,
  tags: ['declared', 'python', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isUvLock),
  fileAccepted: (path) => /\.lock$/i.test(path),
  parse: (file) => parseUvLock(file.path, file.bytes, isUvLock(baseName(file.path))),
};
