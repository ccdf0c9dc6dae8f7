import type { Severity } from '../../shared/severity.ts';
import type {
  DeclaredConstraint,
  IndexDeclaration,
  InstallerOption,
  Location,
  Problem,
  PythonDeclaredFormat,
} from '../../sbom/model.ts';

/** How a requirement chooses what gets installed. */
export type PinKind =
  /** Exactly one version (`==`, `===`, a lock entry, a wheel file name). */
  | 'exact'
  /** A version range (`>=1,<2`, `~=1.4`, `==1.*`). */
  | 'range'
  /** Any version. */
  | 'unpinned'
  /** A direct URL to an archive. */
  | 'url'
  | 'vcs'
  /** A local file or folder. */
  | 'path';

export interface RequirementPin {
  name: string;
  rawName: string;
  format: PythonDeclaredFormat;
  pin: PinKind;
  specifier: string;
  version?: string;
  marker?: string;
  /** An exact pin in a constraints file that fixes this range or unpinned requirement. */
  pinnedByConstraint?: { specifier: string; location: Location };
  editable: boolean;
  hashes: number;
  /** URL or path the requirement installs from, credentials redacted. */
  source?: string;
  vcs?: { vcs: string; ref?: string; immutable: boolean };
  location: Location;
  /** Ids of the rules that found something about this requirement. */
  rules: string[];
}

export interface PinFinding {
  ruleId: string;
  rule: string;
  severity: Severity;
  message: string;
  fix: string;
  location?: Location;
  /** The package a requirement finding is about. */
  package?: string;
  /** The option value an index finding is about (credentials redacted). */
  subject?: string;
}

export type HashCoverage = 'all' | 'partial' | 'none' | 'not-applicable';

export interface PinSummary {
  requirements: number;
  byPin: Record<PinKind, number>;
  /** Range or unpinned requirements that a constraints file pins exactly. */
  pinnedByConstraint: number;
  editable: number;
  hashed: number;
  hashCoverage: HashCoverage;
  /** `--require-hashes` is set. */
  requireHashes: boolean;
  constraints: number;
  indexes: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  problems: number;
}

export interface PinReport {
  /** Files the report covers (the one named and everything it includes), as tree paths. */
  files: string[];
  summary: PinSummary;
  requirements: RequirementPin[];
  constraints: DeclaredConstraint[];
  indexes: IndexDeclaration[];
  installerOptions: InstallerOption[];
  findings: PinFinding[];
  problems: Problem[];
  /**
   * Set when the named file yielded nothing at all because it could not be read or recognised (too large,
   * binary, not a known format): the command should fail as an input error rather than report "no findings".
   */
  unreadable?: Problem;
}
