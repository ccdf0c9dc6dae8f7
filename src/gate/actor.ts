import type { Role } from '../store/api-tokens.ts';

/**
 * Who acts on the gate, as the API verified them: the audit actor id, the role and projects of the
 * credential, and the approval roles its holder has. The gate never sees a credential itself.
 */
export interface Actor {
  /** `token:<id>`, `oidc:<issuer>#<sub>`, `system:<job>`. */
  id: string;
  role: Role;
  /** null: every project. */
  projects: readonly string[] | null;
  approvalRoles: readonly string[];
  /** What the credential says about its holder, recorded with a submission (token name, OIDC claims). */
  description: Record<string, unknown>;
}

/** The gate's own jobs act as this. */
export function systemActor(job: string): string {
  return `system:${job}`;
}
