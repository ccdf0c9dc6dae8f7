import type { Severity } from './severity.ts';

/**
 * A small SARIF 2.1.0 writer shared by every command that reports findings (pins, scan, ray lint), in the
 * shape GitHub code scanning reads: rules with a `security-severity`, results pointing at file and line.
 */
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: string;
  fullDescription?: string;
  helpUri?: string;
  help?: string;
  severity: Severity;
  tags?: string[];
}

export interface SarifResult {
  ruleId: string;
  message: string;
  severity: Severity;
  /** Path relative to the repository root (forward slashes), as code scanning expects. */
  uri?: string;
  startLine?: number;
  startColumn?: number;
  /** Stable identity of the finding across runs, so code scanning can track it. */
  fingerprint?: string;
  properties?: Record<string, unknown>;
}

export interface SarifTool {
  name: string;
  version: string;
  informationUri?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

// GitHub maps security-severity > 9.0 to critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  info: '0.0',
};

export function sarifLevel(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  if (severity === 'medium') return 'warning';
  return 'note';
}

export function toSarif(
  tool: SarifTool,
  rules: readonly SarifRule[],
  results: readonly SarifResult[],
): object {
  const used = new Set(results.map((r) => r.ruleId));
  const ruleList = rules
    .filter((r) => used.has(r.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(ruleList.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            ...(tool.informationUri ? { informationUri: tool.informationUri } : {}),
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.shortDescription },
              ...(r.fullDescription ? { fullDescription: { text: r.fullDescription } } : {}),
              ...(r.helpUri ? { helpUri: r.helpUri } : {}),
              ...(r.help ? { help: { text: r.help } } : {}),
              defaultConfiguration: { level: sarifLevel(r.severity) },
              properties: {
                'security-severity': SECURITY_SEVERITY[r.severity],
                ...(r.tags ? { tags: r.tags } : {}),
              },
            })),
          },
        },
        results: results.map((r) => ({
          ruleId: r.ruleId,
          ruleIndex: ruleIndex.get(r.ruleId),
          level: sarifLevel(r.severity),
          message: { text: r.message },
          ...(r.uri
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: r.uri },
                      ...(r.startLine
                        ? {
                            region: {
                              startLine: r.startLine,
                              ...(r.startColumn ? { startColumn: r.startColumn } : {}),
                            },
                          }
                        : {}),
                    },
                  },
                ],
              }
            : {}),
          ...(r.fingerprint ? { partialFingerprints: { 'raygate/v1': r.fingerprint } } : {}),
          ...(r.properties ? { properties: r.properties } : {}),
        })),
      },
    ],
  };
}
