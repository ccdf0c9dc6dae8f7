/** What raygate authenticates to a registry with. */
export type RegistryCredential =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken` in config.json, `<token>` user of a credential helper). */
  | { kind: 'identity-token'; token: string }
  /** A bearer token used as is (e.g. a GitHub token for ghcr.io given on the command line). */
  | { kind: 'bearer'; token: string };

/** Finds the credential for a registry host; undefined means anonymous. */
export type CredentialResolver = (registry: string) => Promise<RegistryCredential | undefined>;
