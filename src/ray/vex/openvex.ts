import { hexDigest } from '../../shared/digest.ts';
import { toPurl } from '../../shared/purl.ts';
import type { AdvisoryVerdict, VerdictStatus } from './verdicts.ts';

/**
 * OpenVEX 0.2.0 (https://github.com/openvex/spec, JSON schema `openvex_json_schema_0.2.0`): one statement per
 * advisory and product, `not_affected` with a justification and the configuration evidence as
 * impact_statement, `affected` with the action to take, `under_investigation` when the configuration could not
 * be judged. Sign it as an in-toto attestation with predicate type OPENVEX_PREDICATE_TYPE (`raygate attest`).
 */

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';
export const OPENVEX_PREDICATE_TYPE = 'https://openvex.dev/ns/v0.2.0';

export interface OpenVexOptions {
  author: string;
  /** ISO 8601 timestamp of the document. */
  timestamp: string;
  tooling: string;
  /**
   * The product the statements are about (a purl or IRI: the image, `pkg:oci/…@sha256:…`). Default: the Ray
   * package at the cluster's version, `pkg:pypi/ray@<version>`.
   */
  product?: string;
}

interface Statement {
  vulnerability: { name: string; aliases?: string[] };
  products: { '@id': string }[];
  status: VerdictStatus;
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
  status_notes?: string;
}

const RANK: Record<VerdictStatus, number> = { affected: 2, under_investigation: 1, not_affected: 0 };

export function toOpenVex(
  verdicts: readonly AdvisoryVerdict[],
  options: OpenVexOptions,
): Record<string, unknown> {
  // One statement per (vulnerability, product); the worst cluster decides.
  const groups = new Map<string, AdvisoryVerdict[]>();
  for (const v of verdicts) {
    const product = productOf(v, options.product);
    const key = `${v.vulnerability}\u0000${product}`;
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  const statements: Statement[] = [];
  for (const [key, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const product = key.split('\u0000')[1]!;
    const worst = group.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    const statement: Statement = {
      vulnerability: {
        name: worst.vulnerability,
        ...(worst.aliases.length > 0 ? { aliases: [...worst.aliases] } : {}),
      },
      products: [{ '@id': product }],
      status: worst.status,
    };
    const judged = group.filter((g) => g.status === worst.status);
    const notes = judged
      .map((g) => `${g.cluster ? g.cluster.label : 'no deployment'}: ${g.evidence.join('; ')}`)
      .join(' | ');
    if (worst.status === 'not_affected') {
      statement.justification = worst.justification ?? 'vulnerable_code_cannot_be_controlled_by_adversary';
      statement.impact_statement = `Mitigated by configuration (checked by raygate ray lint). ${notes}`;
    } else if (worst.status === 'affected') {
      const reasons = judged.flatMap((g) =>
        g.failing.map((f) => `${g.cluster?.label ?? ''} ${f.ruleId}: ${f.reason}`.trim()),
      );
      statement.action_statement =
        'Enable token authentication (RAY_AUTH_MODE=token or KubeRay authOptions) on every node and keep the Ray ' +
        `control ports unreachable from outside the cluster. Open because: ${reasons.join(' | ')}`;
    } else {
      statement.status_notes = notes;
    }
    statements.push(statement);
  }
  const body = JSON.stringify(statements);
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': `https://openvex.dev/docs/public/vex-${hexDigest('sha256', `${options.author}\u0000${options.timestamp}\u0000${body}`)}`,
    author: options.author,
    role: 'Document Creator',
    timestamp: options.timestamp,
    version: 1,
    tooling: options.tooling,
    statements,
  };
}

function productOf(verdict: AdvisoryVerdict, product: string | undefined): string {
  if (product) return product;
  return toPurl({
    type: 'pypi',
    name: 'ray',
    ...(verdict.rayVersion ? { version: verdict.rayVersion } : {}),
  });
}
