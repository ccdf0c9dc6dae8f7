import type { Severity } from '../../shared/severity.ts';
import type { IndexDeclaration, InstallerOption } from '../../sbom/model.ts';
import { credentialsIn } from '../../sbom/python/url-credentials.ts';
import { finding, isPlainTransport } from './finding.ts';
import type { PinFinding } from './report.ts';
import { PIN_RULES } from './rules.ts';

const PYPI_DEFAULT = 'https://pypi.org/simple';
const UNSAFE_STRATEGIES = new Set(['unsafe-first-match', 'unsafe-best-match', 'unsafe-any-match']);
const REMOTE = /^(?:https?|ftp):\/\//i;

const OPTION_OF: Record<IndexDeclaration['kind'], string> = {
  'index-url': '--index-url',
  'extra-index-url': '--extra-index-url',
  'find-links': '--find-links',
  'trusted-host': '--trusted-host',
  'no-index': '--no-index',
  'index-strategy': '--index-strategy',
  'lock-source': 'the lock source',
};

export interface IndexContext {
  /** Requirements that would be installed (for the message on how many names an extra index can shadow). */
  requirements: number;
  /** Every requirement carries a hash: a swapped artifact fails at install time. */
  allHashed: boolean;
}

/** Risks in where the installer looks for packages: several indexes, trust overrides, plain HTTP, secrets. */
export function checkIndexes(
  indexes: readonly IndexDeclaration[],
  options: readonly InstallerOption[],
  context: IndexContext,
): PinFinding[] {
  const findings: PinFinding[] = [];
  // pip ignores every index URL once --no-index is given anywhere; links pages still count.
  const noIndex = indexes.some((i) => i.kind === 'no-index');
  const primary = [...indexes].reverse().find((i) => i.kind === 'index-url');
  const extras = indexes.filter((i) => i.kind === 'extra-index-url');

  for (const index of indexes) {
    const { kind, value, location } = index;
    const option = `${OPTION_OF[kind]} ${value}`.trim();
    const at = { location, subject: value };
    const ignored = noIndex && (kind === 'index-url' || kind === 'extra-index-url');

    if (kind === 'extra-index-url' && !noIndex) {
      const all = [primary?.value ?? `${PYPI_DEFAULT} (pip's default)`, ...extras.map((e) => e.value)];
      const severity: Severity = context.allHashed && context.requirements > 0 ? 'medium' : 'high';
      findings.push(
        finding(
          PIN_RULES.extraIndex,
          `${option} makes every name resolvable from ${all.length} indexes (${all.join(', ')}): ` +
            `any of the ${context.requirements} requirements can come from whichever index publishes it` +
            (severity === 'medium'
              ? '; every requirement is hash-pinned, so a swapped file fails at install, but a re-lock can pick the wrong index.'
              : '.'),
          { ...at, severity },
        ),
      );
    }
    if (kind === 'index-strategy' && UNSAFE_STRATEGIES.has(value.toLowerCase())) {
      findings.push(
        finding(PIN_RULES.unsafeIndexStrategy, `${option} lets uv take any name from any index.`, at),
      );
    }
    if (kind === 'trusted-host') {
      findings.push(
        finding(
          PIN_RULES.trustedHost,
          `${option} turns off TLS certificate checks (and allows plain HTTP) for that host.`,
          at,
        ),
      );
    }
    if (!ignored && isPlainTransport(value) && kind !== 'trusted-host') {
      findings.push(finding(PIN_RULES.plainHttp, `${option} is fetched over plain HTTP.`, at));
    }
    if (kind === 'find-links' && REMOTE.test(value)) {
      findings.push(
        finding(
          PIN_RULES.remoteFindLinks,
          `${option}: every archive that page links to is a candidate for any name, next to the index.`,
          at,
        ),
      );
    }
    if (credentialsIn(value) === 'secret') {
      findings.push(finding(PIN_RULES.credentials, `${option} has credentials written into it.`, at));
    }
  }

  for (const option of options) {
    if (option.name !== '--requirement' && option.name !== '--constraint') continue;
    const value = option.value ?? '';
    if (!/^(?:https?|ftp|file):/i.test(value) || value.toLowerCase().startsWith('file:')) continue;
    const at = { location: option.location, subject: value };
    const flag = option.name === '--requirement' ? '-r' : '-c';
    findings.push(
      finding(
        PIN_RULES.remoteInclude,
        `${flag} ${value} is downloaded at every install; its content is not in this repository.`,
        at,
      ),
    );
    if (isPlainTransport(value))
      findings.push(finding(PIN_RULES.plainHttp, `${flag} ${value} is fetched over plain HTTP.`, at));
    if (credentialsIn(value) === 'secret') {
      findings.push(finding(PIN_RULES.credentials, `${flag} ${value} has credentials written into it.`, at));
    }
  }
  return findings;
}
