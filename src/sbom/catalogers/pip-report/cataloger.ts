import type { Cataloger } from '../cataloger.ts';
import { declaredFileRequired } from '../lock-support/paths.ts';
import { baseName } from '../lock-support/text.ts';
import { parsePipReport, PIP_REPORT_CATALOGER } from './parse-pip-report.ts';

/**
 * pip has no conventional report name; a JSON file whose name says `pip` and `report` (`pip-report.json`,
 * `pip_install_report.json`) is taken as one. Any `*.json` the user names is read when its content is one.
 */
const isPipReport = (base: string) => /pip.*report.*\.json$/i.test(base);

export const pipReportCataloger: Cataloger = {
  name: PIP_REPORT_CATALOGER,
  tags: ['declared', 'python', 'directory'],
  fileRequired: (path) => declaredFileRequired(path, isPipReport),
  fileAccepted: (path) => /\.json$/i.test(path),
  parse: (file) => parsePipReport(file.path, file.bytes, isPipReport(baseName(file.path))),
};
