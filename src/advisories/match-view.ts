import type { OsvAffected, OsvRecord } from './osv.ts';

/**
 * The part of a record that matching and reports read: ids, dates, summary, severity, affected packages
 * with their non-GIT ranges and versions, and ADVISORY references. The mirror stores it beside the full
 * record so a scan parses about half the bytes (`details`, credits and most references are the bulk of
 * a record and are never read by a scan). Pure; the result is itself a valid OSV record.
 */
export function toMatchView(record: OsvRecord): OsvRecord {
  const view: OsvRecord = { id: record.id, modified: record.modified };
  if (record.published) view.published = record.published;
  if (record.withdrawn) view.withdrawn = record.withdrawn;
  if (record.aliases && record.aliases.length > 0) view.aliases = record.aliases;
  if (record.summary) view.summary = record.summary;
  if (record.severity && record.severity.length > 0) view.severity = record.severity;
  const severity = record.database_specific?.severity;
  if (severity !== undefined) view.database_specific = { severity };
  const advisories = (record.references ?? []).filter((r) => r.type === 'ADVISORY');
  if (advisories.length > 0) view.references = advisories;
  if (record.affected) view.affected = record.affected.map(affectedView);
  return view;
}

function affectedView(affected: OsvAffected): OsvAffected {
  const view: OsvAffected = {};
  if (affected.package) view.package = affected.package;
  if (affected.severity && affected.severity.length > 0) view.severity = affected.severity;
  const ranges = (affected.ranges ?? [])
    .filter((r) => r.type !== 'GIT')
    .map((r) => ({ type: r.type, events: r.events }));
  if (ranges.length > 0) view.ranges = ranges;
  if (affected.versions && affected.versions.length > 0) view.versions = affected.versions;
  const severity = affected.database_specific?.severity;
  if (severity !== undefined) view.database_specific = { severity };
  return view;
}
