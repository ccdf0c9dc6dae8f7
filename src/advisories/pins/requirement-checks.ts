import type { DeclaredConstraint, Hash, Package, PythonDeclaredMetadata } from '../../sbom/model.ts';
import { credentialsIn } from '../../sbom/python/url-credentials.ts';
import type { PinFinding, PinKind, RequirementPin } from './report.ts';
import { PIN_RULES, type PinRule } from './rules.ts';
import { finding, isPlainTransport } from './finding.ts';
import type { Severity } from '../../shared/severity.ts';

export type DeclaredPackage = Package & { metadata: PythonDeclaredMetadata };

const REMOTE = /^(?:https?|ftp):/i;

/** Where the requirement's content comes from, then how tightly its version is fixed. */
export function pinKindOf(metadata: PythonDeclaredMetadata): PinKind {
  // A lock entry that names its index came from that index, whatever download URL it records.
  if (metadata.vcs) return 'vcs';
  if (metadata.url !== undefined && metadata.index === undefined) {
    return REMOTE.test(metadata.url) ? 'url' : 'path';
  }
  if (metadata.pinned) return 'exact';
  return metadata.specifier.trim() === '' ? 'unpinned' : 'range';
}

/** The exact constraint that fixes a requirement: same name, and no marker or the requirement's own. */
export function exactConstraintFor(
  pkg: DeclaredPackage,
  constraints: readonly DeclaredConstraint[],
): DeclaredConstraint | undefined {
  return constraints.find(
    (c) =>
      c.name === pkg.name &&
      c.pinned &&
      c.url === undefined &&
      (c.marker === undefined || c.marker === pkg.metadata.marker),
  );
}

/** The requirement as the report shows it, and what is wrong with it on its own (hash coverage aside). */
export function checkRequirement(
  pkg: DeclaredPackage,
  constraints: readonly DeclaredConstraint[],
): { pin: RequirementPin; findings: PinFinding[] } {
  const { metadata } = pkg;
  const hashes = declaredHashes(pkg);
  const location = pkg.locations[0] ?? { path: '' };
  const pinKind = pinKindOf(metadata);
  const pin: RequirementPin = {
    name: pkg.name,
    rawName: metadata.rawName,
    format: metadata.format,
    pin: pinKind,
    specifier: metadata.specifier,
    editable: metadata.editable === true,
    hashes: hashes.length,
    location,
    rules: [],
  };
  if (pkg.version !== undefined) pin.version = pkg.version;
  if (metadata.marker !== undefined) pin.marker = metadata.marker;
  if (metadata.url !== undefined) pin.source = metadata.url;
  if (metadata.vcs) pin.vcs = metadata.vcs;

  const findings: PinFinding[] = [];
  const add = (rule: PinRule, message: string, severity?: Severity) =>
    findings.push(finding(rule, message, { location, package: pkg.name, ...(severity ? { severity } : {}) }));
  const label = `${metadata.rawName}${metadata.specifier}`;

  if (pinKind === 'range' || pinKind === 'unpinned') {
    const constraint = exactConstraintFor(pkg, constraints);
    if (constraint) {
      pin.pinnedByConstraint = { specifier: constraint.specifier, location: constraint.location };
    } else {
      add(
        PIN_RULES.unpinned,
        pinKind === 'unpinned'
          ? `${metadata.rawName} allows any version.`
          : `${label} allows a range of versions, not one.`,
      );
    }
  }
  if (pinKind === 'url') {
    add(
      PIN_RULES.directUrl,
      `${metadata.rawName} installs from ${metadata.url}${hashes.length > 0 ? ' (hash-checked)' : ', with no hash to check the download against'}.`,
      hashes.length > 0 ? 'low' : undefined,
    );
  }
  if (metadata.vcs) {
    const { vcs, ref, immutable } = metadata.vcs;
    if (immutable) {
      add(PIN_RULES.vcsCommit, `${metadata.rawName} is built from a ${vcs} checkout at commit ${ref}.`);
    } else {
      add(
        PIN_RULES.vcsMutable,
        ref === undefined
          ? `${metadata.rawName} installs from ${metadata.url ?? vcs} with no revision: whatever the default branch holds at install time.`
          : `${metadata.rawName} installs from ${vcs} ref '${ref}', a branch or tag that can move: ${metadata.url ?? ''}.`,
      );
    }
  }
  if (pin.editable) {
    add(
      PIN_RULES.editable,
      `${metadata.rawName} is installed in editable mode from ${metadata.url ?? 'a local folder'}.`,
    );
  } else if (pinKind === 'path') {
    add(PIN_RULES.localPath, `${metadata.rawName} installs from the local path ${metadata.url}.`);
  }
  if (hashes.length > 0 && hashes.every((h) => h.algorithm === 'md5' || h.algorithm === 'sha1')) {
    add(
      PIN_RULES.weakHash,
      `${metadata.rawName} is pinned only by ${[...new Set(hashes.map((h) => h.algorithm))].join(' and ')}.`,
    );
  }
  if (metadata.url !== undefined && metadata.index === undefined && isPlainTransport(metadata.url)) {
    add(
      PIN_RULES.plainHttp,
      `${metadata.rawName} is fetched over an unencrypted transport: ${metadata.url}.`,
    );
  }
  if (metadata.url !== undefined && credentialsIn(metadata.url) === 'secret') {
    add(PIN_RULES.credentials, `The URL of ${metadata.rawName} carries credentials: ${metadata.url}.`);
  }
  return { pin, findings };
}

/** Whether a requirement can carry a hash at all in its format (a lock cannot hash a checkout or a folder). */
export function isHashable(pin: RequirementPin): boolean {
  if (pin.format === 'requirements') return true;
  return pin.pin !== 'vcs' && pin.pin !== 'path' && !pin.editable;
}

/**
 * Every hash the declaration lets the installer check: the package's own, and those of each file a lock
 * lists for it (uv, poetry and pylock keep one hash per wheel or sdist, not one per package).
 */
export function declaredHashes(pkg: DeclaredPackage): Hash[] {
  return [...pkg.hashes, ...(pkg.metadata.artifacts ?? []).flatMap((a) => a.hashes)];
}
