import { RaygateError } from '../../shared/errors.ts';
import { getDocument } from '../../store/documents.ts';
import { listSigningKeys } from '../../store/repos/release-vsas.ts';
import { listVsas } from '../../store/repos/release-vsas.ts';
import { defineRoute, ok, type Route } from '../define-route.ts';
import type { ApiServices } from '../services.ts';
import { RELEASE_ID_PARAMS, visibleRelease } from './release-access.ts';

interface VsaQuery {
  artifact?: number;
  format: 'json' | 'bundle' | 'dsse';
}

/** Signed SLSA verification summaries of approved releases, and the keys that verify them. */
export function createVsaRoutes(services: ApiServices): Route[] {
  const { db, gate } = services;
  return [
    defineRoute<undefined, VsaQuery, { id: string }>({
      name: 'getReleaseVsa',
      method: 'get',
      path: '/api/v1/releases/:id/vsa',
      summary: 'The signed SLSA VSAs (https://slsa.dev/verification_summary/v1) of an approved release.',
      description:
        "Default: JSON with every artifact's VSA as a Sigstore bundle. With `artifact` and `format=bundle` the one " +
        'bundle file (verify it with `raygate verify-bundle --bundle FILE --key vsa.pub sha256:<digest>`); ' +
        '`format=dsse` its bare DSSE envelope (for `slsa-verifier verify-vsa`).',
      tags: ['releases', 'vsa'],
      permission: 'release:read',
      params: RELEASE_ID_PARAMS,
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          artifact: { type: 'integer', minimum: 0, maximum: 9999 },
          format: { enum: ['json', 'bundle', 'dsse'], default: 'json' },
        },
      },
      responses: {
        200: { description: 'The VSAs.', schema: { type: 'object' } },
        404: { description: 'No such release or artifact.' },
        409: {
          description:
            'No VSA yet: the release is not approved, or signing is still pending (GATE_VSA_NOT_ISSUED).',
        },
      },
      handler: async ({ params, query, principal }) => {
        const release = await visibleRelease(services, principal, params.id);
        if (release.state !== 'approved' || release.vsaState !== 'issued') {
          throw new RaygateError(
            'GATE_VSA_NOT_ISSUED',
            'conflict',
            `Release ${release.id} is ${release.state}${release.state === 'approved' ? ` (VSA ${release.vsaState})` : ''}: no VSA is issued.`,
            { details: { state: release.state, vsa: release.vsaState } },
          );
        }
        const vsas = await listVsas(db, release.id);
        if (query.artifact !== undefined || query.format !== 'json') {
          const chosen =
            query.artifact === undefined && vsas.length === 1
              ? vsas[0]
              : vsas.find((v) => v.artifact === query.artifact);
          if (!chosen) {
            throw new RaygateError(
              'GATE_VSA_NOT_FOUND',
              'not-found',
              'Name the artifact (there is no such one, or several).',
            );
          }
          const bytes = (await getDocument(db, chosen.bundleDigest)).content;
          if (query.format === 'dsse') {
            const bundle = JSON.parse(bytes.toString('utf8')) as { dsseEnvelope?: unknown };
            return ok(bundle.dsseEnvelope, 200, { 'Content-Type': 'application/vnd.dsse.envelope.v1+json' });
          }
          return {
            status: 200,
            contentType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
            body: bytes,
            headers: {
              'Content-Disposition': `attachment; filename="${release.id}-${chosen.artifact}.vsa.sigstore.json"`,
            },
          };
        }
        const out = [];
        for (const v of vsas) {
          out.push({
            artifact: v.artifact,
            subject: v.subjectDigest,
            resourceUri: v.resourceUri,
            signer: v.signer,
            issuedAt: v.issuedAt.toISOString(),
            attachment: v.attachment,
            bundle: JSON.parse((await getDocument(db, v.bundleDigest)).content.toString('utf8')) as unknown,
          });
        }
        return ok({ release: release.id, vsas: out });
      },
    }),
    defineRoute({
      name: 'listVsaKeys',
      method: 'get',
      path: '/api/v1/vsa/keys',
      summary: 'The public keys this gate signs VSAs with (the current one first), for offline verification.',
      tags: ['vsa'],
      permission: 'public',
      responses: {
        200: {
          description: 'Keys by their Sigstore hint (base64 sha256 of the DER public key).',
          schema: {
            type: 'object',
            properties: {
              current: { type: ['object', 'null'] },
              keys: { type: 'array', items: { type: 'object' } },
            },
          },
        },
      },
      handler: async () => {
        const known = await listSigningKeys(db);
        const current = gate.vsaKey;
        const keys = [
          ...(current ? [{ hint: current.hint, publicKey: current.publicKeyPem }] : []),
          ...known
            .filter((k) => k.hint !== current?.hint)
            .map((k) => ({ hint: k.hint, publicKey: k.publicKey })),
        ];
        return ok({
          current: current ? { hint: current.hint, publicKey: current.publicKeyPem } : null,
          keys,
        });
      },
    }),
    defineRoute({
      name: 'getVsaPublicKey',
      method: 'get',
      path: '/api/v1/vsa/public-key.pem',
      summary: 'The PEM public key VSAs are signed with now (`raygate verify-bundle --key`).',
      tags: ['vsa'],
      permission: 'public',
      responses: {
        200: {
          description: 'PEM (SPKI).',
          contentType: 'application/x-pem-file',
          schema: { type: 'string' },
        },
        404: { description: 'This gate signs keylessly.' },
      },
      handler: async () => {
        if (!gate.vsaKey) {
          throw new RaygateError(
            'GATE_VSA_KEYLESS',
            'not-found',
            'This gate signs VSAs keylessly; it has no public key.',
          );
        }
        return { status: 200, contentType: 'application/x-pem-file', body: gate.vsaKey.publicKeyPem };
      },
    }),
  ];
}
