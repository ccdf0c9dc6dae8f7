/**
 * How one ecosystem orders its versions. `compare` is only asked about versions `parse` accepted, so an
 * implementation may assume well-formed input there.
 */
export interface VersionOrder {
  /** Name used in messages (`PEP 440`, `dpkg`, `SemVer`). */
  readonly name: string;
  /** True when the ordering can read `version`. */
  isValid(version: string): boolean;
  /** Negative, zero or positive, as `a` sorts before, equal to or after `b`. */
  compare(a: string, b: string): number;
  /**
   * The version to match advisories with: a PEP 440 local build (`2.7.1+cu128`) is a build of its public
   * version and carries that version's vulnerabilities. Identity elsewhere.
   */
  forMatching(version: string): string;
  /**
   * A string that is the same for versions the ordering calls equal (`1.0` and `1.0.0` in PEP 440), for
   * checking an installed version against long `versions` lists without a comparison per entry.
   */
  equalityKey?(version: string): string | undefined;
}
