import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { parsePylock, PYLOCK_CATALOGER } from './parse-pylock.ts';

/** PEP 751 names: `pylock.toml` or `pylock.<name>.toml`. */
const isPylock = (base: string) => /^pylock\.([^/]+\.)?toml$/.test(base);

/** PEP 751 lock files; a `*.toml` the user names is read when its content is one. */
export const pylockCataloger: Cataloger = {
  name: PYLOCK_CATALOGER,
  tags: ['declared', 'python', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isPylock),
  fileAccepted: (path) => /\.toml$/i.test(path),
  parse: (file) => parsePylock(file.path, file.bytes, isPylock(baseName(file.path))),
};
