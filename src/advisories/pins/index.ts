export { analyzePins, type PinAnalysisOptions } from './analyze.ts';
export { relocateReport } from './relocate.ts';
export type { HashCoverage, PinFinding, PinKind, PinReport, PinSummary, RequirementPin } from './report.ts';
export { ALL_PIN_RULES, PIN_RULES, type PinRule } from './rules.ts';
export { toPinsSarif } from './to-sarif.ts';
