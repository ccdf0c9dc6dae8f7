import { RaygateError } from '../../shared/errors.ts';
import { POLICY_NAME_PATTERN } from '../../config.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';

/** The policies releases can be judged by (VSAs link here). */
export function createPolicyRoutes(services: ApiServices): Route[] {
  const { policies } = services.gate;
  return [
    defineRoute({
      name: 'listPolicies',
      method: 'get',
      path: '/api/v1/policies',
      summary: "The policies in the gate's policies folder, with their digests and rules.",
      tags: ['policies'],
      permission: 'release:read',
      responses: {
        200: {
          description: 'Policies; a file that does not parse is listed with its error.',
          schema: { type: 'object' },
        },
      },
      handler: async () =>
        ok({
          policies: (await policies.list()).map((entry) =>
            'policy' in entry
              ? {
                  name: entry.name,
                  digest: entry.policy.digest,
                  description: entry.policy.policy.description ?? null,
                  rules: entry.policy.policy.rules.map((r) => ({
                    id: r.id,
                    check: r.check,
                    action: r.action,
                  })),
                }
              : { name: entry.name, error: entry.error },
          ),
        }),
    }),
    defineRoute<undefined, { format: 'json' | 'yaml' }, { name: string }>({
      name: 'getPolicy',
      method: 'get',
      path: '/api/v1/policies/:name',
      summary: 'One policy: its YAML (`format=yaml`), or its normalised form and digest.',
      tags: ['policies'],
      permission: 'release:read',
      params: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', pattern: POLICY_NAME_PATTERN } },
      },
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { format: { enum: ['json', 'yaml'], default: 'json' } },
      },
      responses: {
        200: { description: 'The policy.', schema: { type: 'object' } },
        404: { description: 'No such policy.' },
      },
      handler: async ({ params, query }) => {
        let loaded;
        try {
          loaded = await policies.load(params.name);
        } catch (error) {
          if ((error as { code?: string }).code === 'GATE_POLICY_UNKNOWN') {
            throw new RaygateError('GATE_POLICY_NOT_FOUND', 'not-found', `No policy ${params.name}.`);
          }
          throw error;
        }
        if (query.format === 'yaml')
          return { status: 200, contentType: 'application/yaml; charset=utf-8', body: loaded.text };
        return ok({ name: loaded.name, digest: loaded.digest, policy: loaded.policy });
      },
    }),
  ];
}
