import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { CONDA_ENVIRONMENT_CATALOGER, parseCondaEnvironment } from './parse-environment.ts';

/** `environment.yml` / `environment.yaml` (what `conda env create` looks for); any YAML the user names when it has `dependencies:`. */
const isEnvironment = (base: string) => /^environment\.ya?ml$/.test(base);

export const condaEnvironmentCataloger: Cataloger = {
  name: CONDA_ENVIRONMENT_CATALOGER,
  tags: ['declared', 'conda', 'python', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isEnvironment),
  fileAccepted: (path) => /\.ya?ml$/i.test(path),
  parse: (file) => parseCondaEnvironment(file.path, file.bytes, isEnvironment(baseName(file.path))),
};
