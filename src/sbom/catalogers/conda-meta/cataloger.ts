import type { Problem } from '../../model.ts';
import { environmentFromCondaPython } from '../../python/environment.ts';
import { dirnameOf } from '../../sources/paths.ts';
import { decodeText } from '../../../shared/text.ts';
import type { CatalogFile, Cataloger, ParseResult } from '../cataloger.ts';
import { parseCondaRecord } from './parse-record.ts';
import { condaRecordToPackage } from './to-package.ts';

const NAME = 'conda-meta';

/**
 * The records conda keeps for every package linked into a prefix (`<prefix>/conda-meta/*.json`). The
 * record of `python` itself also tells the interpreter version and platform of the prefix.
 */
export const condaMetaCataloger: Cataloger = {
  name: NAME,
  tags: ['installed', 'conda', 'image', 'directory'],
  fileRequired: (path) => path.endsWith('.json') && dirnameOf(path).endsWith('/conda-meta'),
  parse: parseCondaMeta,
};

function parseCondaMeta(file: CatalogFile): ParseResult {
  const problems: Problem[] = [];
  const parsed = parseCondaRecord(decodeText(file.bytes).text);
  if ('error' in parsed) {
    problems.push({
      code: parsed.error,
      severity: 'error',
      message: `${file.path} is not a usable conda record: ${parsed.message}.`,
      path: file.path,
      cataloger: NAME,
    });
    return { packages: [], relationships: [], problems };
  }
  const { record } = parsed;
  const prefix = dirnameOf(dirnameOf(file.path));
  const pkg = condaRecordToPackage(record, file.path, prefix, NAME);
  const environment =
    record.name === 'python'
      ? environmentFromCondaPython({
          prefix,
          version: record.version,
          build: record.build,
          subdir: record.subdir,
          files: record.files,
        })
      : undefined;
  return { packages: [pkg], relationships: [], problems, environments: environment ? [environment] : [] };
}
