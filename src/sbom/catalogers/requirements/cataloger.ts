import type { Cataloger } from '../cataloger.ts';
import { isAcceptedRequirementsFile, isRequirementsFile } from './file-names.ts';
import { parseRequirementsFile } from './parse-requirements.ts';

export const REQUIREMENTS_CATALOGER_NAME = 'pip-requirements';

/** A conda explicit spec file (`conda list --explicit`) is also a `.txt`; it is the conda cataloger's. */
const CONDA_EXPLICIT = /^@EXPLICIT[ \t]*$/m;

/**
 * pip requirements files in pip's full syntax (see parse-requirements.ts): every requirement a
 * `pip install -r FILE` would install, with its hashes, markers, extras and source; constraints, index
 * options and installer options for `raygate pins`.
 */
export const requirementsCataloger: Cataloger = {
  name: REQUIREMENTS_CATALOGER_NAME,
  tags: ['declared', 'python', 'directory'],
  fileRequired: isRequirementsFile,
  fileAccepted: (path) => isRequirementsFile(path) || isAcceptedRequirementsFile(path),
  async parse(file, context) {
    if (CONDA_EXPLICIT.test(new TextDecoder('latin1').decode(file.bytes.subarray(0, 65536)))) {
      return { packages: [], relationships: [], problems: [] };
    }
    return parseRequirementsFile(file.path, file.bytes, context, REQUIREMENTS_CATALOGER_NAME);
  },
};
