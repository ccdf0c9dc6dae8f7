import type { ApiTokenRecord, Role } from '../../store/api-tokens.ts';

/** Who is calling. Identity comes only from a verified credential, never from a client-set header. */
export type Principal = TokenPrincipal | OidcPrincipal | AnonymousPrincipal;

export interface TokenPrincipal {
  kind: 'token';
  /** `token:<id>`: the actor recorded in the audit log. */
  actor: string;
  tokenId: string;
  name: string;
  role: Role;
  /** null: every project. */
  projects: readonly string[] | null;
  /** Approval roles of the holder, counted by policies' approvals rules. */
  approvalRoles: readonly string[];
}

/** A CI job that presented its OpenID Connect ID token (GitHub Actions). */
export interface OidcPrincipal {
  kind: 'oidc';
  /** `oidc:<issuer>#<sub>`. */
  actor: string;
  role: 'submitter';
  projects: readonly [string];
  claims: {
    issuer: string;
    subject: string;
    repository: string;
    ref: string;
    sha?: string;
    workflowRef?: string;
    runId?: string;
    actor?: string;
  };
}

/** Callers of public routes (health, metrics, the OpenAPI document). */
export interface AnonymousPrincipal {
  kind: 'anonymous';
  actor: 'anonymous';
  role: null;
  projects: readonly [];
}

export const ANONYMOUS: AnonymousPrincipal = {
  kind: 'anonymous',
  actor: 'anonymous',
  role: null,
  projects: [],
};

/** The principal of an API token: the same whether it came as a Bearer header or behind a UI session. */
export function tokenPrincipal(record: ApiTokenRecord): TokenPrincipal {
  return {
    kind: 'token',
    actor: `token:${record.id}`,
    tokenId: record.id,
    name: record.name,
    role: record.role,
    projects: record.projects,
    approvalRoles: record.approvalRoles,
  };
}
