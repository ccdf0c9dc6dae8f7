import type { AdvisorySource } from '../../advisories/source.ts';
import type { RegistryAccessOptions } from '../../sbom/sources/oci-registry-reader.ts';
import type { Logger } from '../../shared/log.ts';
import type { TrustSet } from './trust.ts';
import type { PackageIndex } from './upload-times.ts';

/** Which registries the gate may reach, and how: built from `gate.registries` (registry-policy.ts). */
export interface RegistryPolicy {
  isConfigured(registry: string): boolean;
  /** Access options for a configured registry; throws GATE_REGISTRY_NOT_ALLOWED for any other. */
  accessFor(registry: string): RegistryAccessOptions;
  /** VSAs are attached to images of this registry. */
  pushes(registry: string): boolean;
}

/** What evidence collection reads from the outside world; composition.ts provides the implementations. */
export interface EvidenceEnvironment {
  /** The advisory source chosen in the configuration (the OSV mirror, or the OSV API). */
  advisorySource(): Promise<AdvisorySource>;
  trust(): Promise<TrustSet>;
  registries: RegistryPolicy;
  /**
   * The package index asked for upload times (the cooldown rule), fresh for each collection so each has its
   * own request budget; undefined when lookups are off.
   */
  packageIndex(): PackageIndex | undefined;
  now(): Date;
  log: Logger;
}
