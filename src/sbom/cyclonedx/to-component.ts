import * as Enums from '@cyclonedx/cyclonedx-library/Enums';
import * as Models from '@cyclonedx/cyclonedx-library/Models';
import { isHexDigest } from '../../shared/digest.ts';
import type { Hash, HashAlgorithm, License, Package } from '../model.ts';
import { compareStrings } from '../scan.ts';
import { packageProperties } from './component-properties.ts';
import { toComponentLicenses } from './licenses.ts';
import { RAYGATE } from './properties.ts';
import type { TextCleaner } from './xml-text.ts';

const HASH_ALGORITHMS: Record<HashAlgorithm, Enums.HashAlgorithm> = {
  md5: Enums.HashAlgorithm.MD5,
  sha1: Enums.HashAlgorithm['SHA-1'],
  sha256: Enums.HashAlgorithm['SHA-256'],
  sha384: Enums.HashAlgorithm['SHA-384'],
  sha512: Enums.HashAlgorithm['SHA-512'],
};

/** Reports something about one package that CycloneDX could not carry as given. */
export type NoteSink = (code: string, message: string) => void;

export interface ComponentInput {
  pkg: Package;
  bomRef: string;
  /** bom-refs of the packages that ship this one inside themselves. */
  vendoredBy: readonly string[];
  /** Set when the package's purl does not parse: it is kept as a property, not as `purl`. */
  invalidPurl: boolean;
}

/** One package as a CycloneDX component, without its nested components and dependencies. */
export function toComponent(input: ComponentInput, cleaner: TextCleaner, note: NoteSink): Models.Component {
  const { pkg, bomRef } = input;
  const text = (value: string, field: string) => cleaner.clean(value, bomRef, field);
  const optionalText = (value: string | undefined, field: string) =>
    value === undefined || value === '' ? undefined : text(value, field);

  const component = new Models.Component(
    pkg.metadata.kind === 'os' ? Enums.ComponentType.OperatingSystem : Enums.ComponentType.Library,
    text(pkg.name, 'name'),
    {
      bomRef,
      version: optionalText(pkg.version, 'version'),
      purl: input.invalidPurl ? undefined : pkg.purl,
      description: optionalText(describe(pkg), 'description'),
      author:
        pkg.metadata.kind === 'python-installed' ? optionalText(pkg.metadata.author, 'author') : undefined,
    },
  );
  if (input.invalidPurl) {
    note(
      'CYCLONEDX_PURL_INVALID',
      `${bomRef}: '${pkg.purl}' is not a package URL; kept as the raygate:invalid-purl property.`,
    );
  }

  const licenses = toComponentLicenses(
    pkg.licenses.map((l): License =>
      'text' in l ? { text: text(l.text, 'license') } : { expression: text(l.expression, 'license') },
    ),
  );
  for (const invalid of licenses.invalidExpressions) {
    note(
      'CYCLONEDX_LICENSE_EXPRESSION_INVALID',
      `${bomRef}: '${invalid}' is not a valid SPDX license expression; kept as a license name.`,
    );
  }
  for (const license of licenses.declared) component.licenses.add(license);
  if (licenses.evidence.length > 0) {
    component.evidence = new Models.ComponentEvidence({
      licenses: new Models.LicenseRepository(licenses.evidence),
    });
  }

  for (const reference of externalReferences(pkg)) component.externalReferences.add(reference);

  for (const [name, value] of packageProperties(pkg, input.vendoredBy, input.invalidPurl)) {
    component.properties.add(new Models.Property(name, text(value, name)));
  }
  addHashes(component, pkg.hashes, bomRef, note);
  return component;
}

function describe(pkg: Package): string | undefined {
  if (pkg.metadata.kind === 'python-installed') return pkg.metadata.summary;
  if (pkg.metadata.kind === 'os') return pkg.metadata.prettyName;
  return undefined;
}

/**
 * CycloneDX holds one value per hash algorithm. When the sources give one value for an algorithm it goes
 * to `hashes`; when they give several (a lock file lists one hash per wheel it accepts), no single one is
 * the component's, so all of them become `raygate:artifact-hash` properties (`<algorithm>:<hex>`).
 * Values that are not digests of their algorithm are dropped and reported.
 */
function addHashes(component: Models.Component, hashes: readonly Hash[], bomRef: string, note: NoteSink) {
  const byAlgorithm = new Map<HashAlgorithm, Set<string>>();
  for (const hash of hashes) {
    const value = hash.value.toLowerCase();
    if (!isHexDigest(hash.algorithm, value)) {
      note(
        'CYCLONEDX_HASH_INVALID',
        `${bomRef}: dropped ${hash.algorithm} '${hash.value}': not a ${hash.algorithm} digest.`,
      );
      continue;
    }
    if (!byAlgorithm.has(hash.algorithm)) byAlgorithm.set(hash.algorithm, new Set());
    byAlgorithm.get(hash.algorithm)!.add(value);
  }
  for (const algorithm of [...byAlgorithm.keys()].sort(compareStrings)) {
    const values = [...byAlgorithm.get(algorithm)!].sort(compareStrings);
    if (values.length === 1) component.hashes.set(HASH_ALGORITHMS[algorithm], values[0]!);
    else {
      for (const value of values) {
        component.properties.add(new Models.Property(RAYGATE.artifactHash, `${algorithm}:${value}`));
      }
    }
  }
}

/** Where the package came from, when a source names a URL that is a valid IRI reference. */
function externalReferences(pkg: Package): Models.ExternalReference[] {
  const refs: Models.ExternalReference[] = [];
  const add = (
    url: string | undefined,
    type: Enums.ExternalReferenceType,
    hashes?: Models.HashDictionary,
  ) => {
    const href = absoluteUrl(url);
    if (href !== undefined) refs.push(new Models.ExternalReference(href, type, { hashes }));
  };
  const metadata = pkg.metadata;
  if (metadata.kind === 'python-installed') {
    add(metadata.homepage, Enums.ExternalReferenceType.Website);
    const direct = metadata.directUrl;
    if (direct?.kind === 'vcs') add(direct.url, Enums.ExternalReferenceType.VCS);
    if (direct?.kind === 'archive') {
      add(direct.url, Enums.ExternalReferenceType.Distribution, archiveHashes(direct.archiveHash));
    }
  } else if (metadata.kind === 'python-declared') {
    add(
      metadata.url,
      metadata.vcs ? Enums.ExternalReferenceType.VCS : Enums.ExternalReferenceType.Distribution,
    );
    // A lock lists every file it accepts for the package (wheels per platform, the sdist), each with its
    // own hashes: those are distributions of the component, not the component's own hash.
    for (const artifact of metadata.artifacts ?? []) {
      add(artifact.url, Enums.ExternalReferenceType.Distribution, hashDictionary(artifact.hashes));
    }
  } else if (metadata.kind === 'conda') {
    add(metadata.url, Enums.ExternalReferenceType.Distribution);
  }
  return refs;
}

/** A URL as WHATWG serialises it (percent-encoded), or undefined for relative paths and malformed URLs. */
function absoluteUrl(url: string | undefined): string | undefined {
  if (url === undefined || !URL.canParse(url)) return undefined;
  return new URL(url).href;
}

/** The first valid value per algorithm: CycloneDX holds one hash per algorithm on a reference. */
function hashDictionary(hashes: readonly Hash[]): Models.HashDictionary | undefined {
  const entries = new Map<Enums.HashAlgorithm, string>();
  for (const hash of [...hashes].sort((a, b) => compareStrings(a.algorithm, b.algorithm))) {
    const value = hash.value.toLowerCase();
    const algorithm = HASH_ALGORITHMS[hash.algorithm];
    if (!entries.has(algorithm) && isHexDigest(hash.algorithm, value)) entries.set(algorithm, value);
  }
  return entries.size > 0 ? new Models.HashDictionary(entries) : undefined;
}

/** PEP 610 writes an archive hash as `<algorithm>=<hex>`. */
function archiveHashes(archiveHash: string | undefined): Models.HashDictionary | undefined {
  const match = /^(md5|sha1|sha256|sha384|sha512)=([0-9a-fA-F]+)$/.exec(archiveHash ?? '');
  if (!match) return undefined;
  const algorithm = match[1] as HashAlgorithm;
  const value = match[2]!.toLowerCase();
  if (!isHexDigest(algorithm, value)) return undefined;
  return new Models.HashDictionary([[HASH_ALGORITHMS[algorithm], value]]);
}
