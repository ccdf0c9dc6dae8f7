import { environmentFromPyvenv, parsePyvenvCfg } from '../../python/environment.ts';
import { decodeText } from '../../../shared/text.ts';
import type { Cataloger } from '../cataloger.ts';

/**
 * A venv's pyvenv.cfg: the interpreter version (and on newer tools its implementation) the venv was
 * created with. It describes the environment, not a package, so it adds to `environments` only.
 */
export const pythonVenvCataloger: Cataloger = {
  name: 'python-venv',
  tags: ['installed', 'python', 'image', 'directory'],
  fileRequired: (path) => path.endsWith('/pyvenv.cfg'),
  parse: (file) => {
    const environment = environmentFromPyvenv(file.path, parsePyvenvCfg(decodeText(file.bytes).text));
    return { packages: [], relationships: [], problems: [], environments: environment ? [environment] : [] };
  },
};
