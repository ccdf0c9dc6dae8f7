export { REQUIREMENTS_CATALOGER_NAME, requirementsCataloger } from './cataloger.ts';
export { isAcceptedRequirementsFile, isRequirementsFile } from './file-names.ts';
