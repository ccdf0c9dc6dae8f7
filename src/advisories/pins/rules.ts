import type { Severity } from '../../shared/severity.ts';

/** One check `raygate pins` makes. Ids are stable: suppressions, SARIF and policies refer to them. */
export interface PinRule {
  id: string;
  /** kebab-case name, the SARIF rule name. */
  name: string;
  /** The usual severity; a finding may be rated lower when hashes already mitigate the risk. */
  severity: Severity;
  title: string;
  description: string;
  fix: string;
}

const rule = (r: PinRule) => r;

export const PIN_RULES = {
  unpinned: rule({
    id: 'PIN-001',
    name: 'unpinned-requirement',
    severity: 'medium',
    title: 'Requirement not pinned to one version',
    description:
      'A range or a bare name lets every install pick whatever version is newest at that moment: two builds of the same commit can differ, and a malicious new release is installed as soon as it is published.',
    fix: 'Pin the exact version (name==X.Y.Z), ideally in a lock generated with hashes (pip-compile --generate-hashes, uv pip compile --generate-hashes).',
  }),
  noHashes: rule({
    id: 'PIN-002',
    name: 'no-hashes',
    severity: 'medium',
    title: 'No requirement carries a hash',
    description:
      'Without --hash pip installs whatever file the index serves for a pinned version; a replaced or tampered artifact goes unnoticed.',
    fix: 'Generate the file with hashes (pip-compile --generate-hashes or uv pip compile --generate-hashes) so pip runs in hash-checking mode.',
  }),
  missingHash: rule({
    id: 'PIN-003',
    name: 'missing-hash',
    severity: 'high',
    title: 'Requirement without a hash where hash checking is on',
    description:
      'pip checks hashes only when every requirement has one: with --require-hashes or any --hash in the file, a requirement without a hash makes pip refuse the whole install, and installers that verify only the hashes present (uv) install it unverified.',
    fix: 'Regenerate the lock with hashes for every requirement, or add the missing --hash values.',
  }),
  directUrl: rule({
    id: 'PIN-004',
    name: 'direct-url',
    severity: 'medium',
    title: 'Installs from a URL instead of an index',
    description:
      'A direct URL bypasses the index and its version history; whoever controls the URL controls what is installed, unless a hash pins the content.',
    fix: 'Publish the package to your index and pin it by version with hashes, or add --hash (or a #sha256= fragment) so the download is verified.',
  }),
  vcsMutable: rule({
    id: 'PIN-005',
    name: 'vcs-mutable-ref',
    severity: 'high',
    title: 'VCS requirement without an immutable commit',
    description:
      'A branch, a tag or no revision at all can be moved to other code at any time; the next install gets whatever the ref points to then.',
    fix: 'Pin the full commit id (git+https://host/org/repo@<40-hex commit>), or install a released, hashed artifact instead.',
  }),
  vcsCommit: rule({
    id: 'PIN-006',
    name: 'vcs-commit',
    severity: 'low',
    title: 'VCS requirement pinned to a commit',
    description:
      'The commit fixes the source, but the package is built from a checkout at install time and pip cannot hash-check VCS requirements.',
    fix: 'Prefer a released artifact from an index, pinned with hashes.',
  }),
  editable: rule({
    id: 'PIN-007',
    name: 'editable-install',
    severity: 'medium',
    title: 'Editable install',
    description:
      'An editable install links to a working folder or checkout: what runs is whatever that folder holds, not a versioned, verifiable artifact.',
    fix: 'Install a built, versioned wheel in images and releases; keep -e for development.',
  }),
  localPath: rule({
    id: 'PIN-008',
    name: 'local-path',
    severity: 'low',
    title: 'Installs from a local file or folder',
    description:
      'The installed content is whatever the path holds when pip runs; the requirement records neither its version history nor a digest.',
    fix: 'Build the file in the same pipeline and pin it with --hash, or publish it to your index.',
  }),
  weakHash: rule({
    id: 'PIN-009',
    name: 'weak-hash',
    severity: 'low',
    title: 'Only MD5 or SHA-1 hashes',
    description:
      'MD5 and SHA-1 collisions can be produced; a hash of either does not pin content against a capable attacker.',
    fix: 'Use sha256 hashes.',
  }),
  unanalysed: rule({
    id: 'PIN-010',
    name: 'unanalysed-input',
    severity: 'high',
    title: 'Input that could not be analysed',
    description:
      'A line, an include or a file could not be read, or pip itself would refuse it: the report does not cover what it holds.',
    fix: 'Fix the line or file named in the message, then run raygate pins again.',
  }),
  extraIndex: rule({
    id: 'PIN-101',
    name: 'extra-index-url',
    severity: 'high',
    title: 'Several indexes: dependency confusion',
    description:
      'With --extra-index-url pip looks every name up on all indexes and takes the best version from any of them: anyone who can publish a name on one index can shadow the package of the same name on another (uv prefers the first index that has the name, which lets the extra index shadow PyPI).',
    fix: 'Use one index (a proxy that routes each package to one upstream), or uv with explicit per-package index pins; hash every requirement.',
  }),
  unsafeIndexStrategy: rule({
    id: 'PIN-102',
    name: 'unsafe-index-strategy',
    severity: 'high',
    title: "uv's unsafe index strategy",
    description:
      'unsafe-first-match and unsafe-best-match make uv consider every index for every name, which reopens dependency confusion.',
    fix: "Use uv's default first-index strategy and pin packages to indexes explicitly.",
  }),
  trustedHost: rule({
    id: 'PIN-103',
    name: 'trusted-host',
    severity: 'high',
    title: 'TLS verification turned off for a host',
    description:
      '--trusted-host lets pip fetch from the host over plain HTTP or with an invalid certificate: anyone on the network path can serve other packages.',
    fix: "Remove --trusted-host; serve the index over HTTPS with a valid certificate (or give pip the index's CA with --cert).",
  }),
  plainHttp: rule({
    id: 'PIN-104',
    name: 'plain-http',
    severity: 'high',
    title: 'Fetched over plain HTTP',
    description:
      'An index, link page, include or package fetched over http:// (or git://) can be replaced by anyone on the network path.',
    fix: 'Use https:// (or ssh:// for git).',
  }),
  remoteFindLinks: rule({
    id: 'PIN-105',
    name: 'remote-find-links',
    severity: 'medium',
    title: '--find-links to a remote page',
    description:
      'pip takes any archive linked from the page as a candidate for any name, next to the index: whoever controls the page can add or replace packages.',
    fix: 'Mirror the needed files into your index or a local folder, and pin them with hashes.',
  }),
  credentials: rule({
    id: 'PIN-106',
    name: 'credentials-in-url',
    severity: 'high',
    title: 'Credentials written into a URL',
    description:
      'A user name and password or token in an index or package URL is readable by everyone who can read the file, its history and every image built from it.',
    fix: 'Remove the secret, rotate it, and pass it at install time (${VAR} placeholders, keyring, or a netrc file).',
  }),
  remoteInclude: rule({
    id: 'PIN-107',
    name: 'remote-include',
    severity: 'high',
    title: 'Requirements included from a URL',
    description:
      'pip downloads the included file at every install: its content can change without any change to this repository, and raygate cannot analyse it.',
    fix: 'Vendor the included file into the repository, where changes are reviewed.',
  }),
} as const;

export type PinRuleKey = keyof typeof PIN_RULES;

export const ALL_PIN_RULES: readonly PinRule[] = Object.values(PIN_RULES);
