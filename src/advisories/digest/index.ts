export { compareSnapshots, isEmptyDigest, type CompareOptions } from './compare.ts';
export * from './model.ts';
export {
  normalizeSnapshot,
  observeFindings,
  toSnapshotFinding,
  toSnapshotSource,
  withdrawnRecorder,
} from './observe.ts';
export { markdownTitle, renderMarkdown, type MarkdownOptions } from './render-markdown.ts';
export { renderSlack, SLACK_LIMITS, type SlackBlock, type SlackMessage } from './render-slack.ts';
export {
  DIGEST_JSON_SCHEMA,
  DIGEST_LIMITS,
  digestSchemaErrors,
  parseSnapshot,
  SNAPSHOT_JSON_SCHEMA,
} from './schema.ts';
export { headline } from './wording.ts';
