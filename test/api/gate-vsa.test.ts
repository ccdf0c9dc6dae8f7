import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseBundle } from '../../src/attest/bundle.ts';
import { parseTrustedRoot, toTrust } from '../../src/attest/trusted-root.ts';
import { verifyBundle } from '../../src/attest/verify.ts';
import { GITHUB_ACTIONS_ISSUER } from '../../src/config.ts';
import { keylessVsaSigner, type VsaSigner } from '../../src/gate/vsa-signer.ts';
import { RaygateError } from '../../src/shared/errors.ts';
import { startSigstoreStack, type SigstoreStack } from '../attest/sigstore-stack.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import {
  CLEAN_WHEEL,
  gateEnvironment,
  GATE_POLICIES,
  importGateMirror,
  testSigner,
  wheelArtifact,
} from '../gate/support.ts';
import { call, errorCode, startTestApi } from './support.ts';

const SIGNER = 'https://github.com/acme/raygate-deploy/.github/workflows/gate.yml@refs/heads/main';

interface Release {
  id: string;
  state: string;
  vsa: string;
}

/** An in-process gate whose VSAs `signer` signs; releases are judged by the no-approvals policy. */
async function gateWith(signer: (dir: string) => Promise<VsaSigner>) {
  const temp = await makeTempDir('raygate-gate-vsa-');
  const mirror = await importGateMirror(temp.dir);
  const api = await startTestApi({
    env: { RAYGATE_POLICIES: GATE_POLICIES },
    configFile: 'gate: {defaultPolicy: no-approvals}\n',
    gate: { env: gateEnvironment(mirror, temp.dir, () => new Date()), signer: await signer(temp.dir) },
  });
  const submitter = (await api.issue('submitter')).token;
  const viewer = (await api.issue('viewer')).token;
  const get = async (id: string) =>
    (await call(api.url, 'GET', `/api/v1/releases/${id}`, { token: viewer })).body as unknown as Release;
  return {
    api,
    viewer,
    temp,
    async approvedRelease(artifact: { kind: 'wheel'; name: string; sha256: string }): Promise<Release> {
      const answer = await call(api.url, 'POST', '/api/v1/releases', {
        token: submitter,
        json: { project: 'acme', version: '1', artifacts: [artifact] },
      });
      assert.equal(answer.status, 201, answer.text);
      const until = Date.now() + 30_000;
      for (;;) {
        const release = await get(String(answer.body.id));
        if (release.state === 'approved' && release.vsa !== 'pending') return release;
        if (Date.now() > until) assert.fail(`release stuck: ${JSON.stringify(release)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await api.close();
      await temp.cleanup();
    },
  };
}

describe('gate VSA signing', function () {
  this.timeout(120_000);

  describe('when signing fails on every attempt', () => {
    let gate: Awaited<ReturnType<typeof gateWith>>;
    let attempts = 0;
    before(async () => {
      gate = await gateWith(async (dir) => {
        const real = await testSigner(dir);
        return {
          identity: real.identity,
          sign: async () => {
            attempts++;
            throw new RaygateError('VSA_IDENTITY_UNAVAILABLE', 'unavailable', 'the signing service is down');
          },
        };
      });
    });
    after(() => gate?.close());

    it('keeps the release approved, marks its VSA failed after the retries, and audits it', async () => {
      const release = await gate.approvedRelease(wheelArtifact(CLEAN_WHEEL));
      assert.deepEqual([release.state, release.vsa], ['approved', 'failed']);
      assert.equal(attempts, 5);
      const vsa = await call(gate.api.url, 'GET', `/api/v1/releases/${release.id}/vsa`, {
        token: gate.viewer,
      });
      assert.deepEqual([vsa.status, errorCode(vsa)], [409, 'GATE_VSA_NOT_ISSUED']);
      const audit = await call(gate.api.url, 'GET', `/api/v1/releases/${release.id}/audit`, {
        token: gate.viewer,
      });
      const last = (audit.body.entries as { action: string; details: { code?: string } }[]).at(-1)!;
      assert.deepEqual([last.action, last.details.code], ['release.vsa-fail', 'VSA_IDENTITY_UNAVAILABLE']);
    });
  });

  describe('when the gate signs keylessly (Fulcio and Rekor)', () => {
    let gate: Awaited<ReturnType<typeof gateWith>>;
    let stack: SigstoreStack;
    before(async () => {
      // No TSA: the mock TSA's timestamps fail verification now and then; Rekor's integrated time is the
      // verified signing time.
      stack = await startSigstoreStack();
      gate = await gateWith(async (dir) => {
        const tokenFile = path.join(dir, 'oidc-token');
        await writeFile(
          tokenFile,
          stack.token({
            iss: GITHUB_ACTIONS_ISSUER,
            sub: SIGNER,
            repository: 'acme/raygate-deploy',
            ref: 'refs/heads/main',
            workflow_ref: 'acme/raygate-deploy/.github/workflows/gate.yml@refs/heads/main',
          }),
        );
        return keylessVsaSigner({
          fulcioUrl: stack.url,
          rekorUrl: stack.url,
          tsaUrl: undefined,
          identityTokenFile: tokenFile,
        });
      });
    });
    after(async () => {
      await gate?.close();
      await stack?.close();
    });

    it('issues a VSA that verifies for the workload identity and its subject digest, and for nothing else', async () => {
      const artifact = wheelArtifact(CLEAN_WHEEL, 'keyless');
      const release = await gate.approvedRelease(artifact);
      assert.equal(release.vsa, 'issued');
      const answer = await call(gate.api.url, 'GET', `/api/v1/releases/${release.id}/vsa?format=bundle`, {
        token: gate.viewer,
      });
      assert.equal(answer.status, 200);
      const bundle = parseBundle(answer.text);
      const trust = toTrust(parseTrustedRoot(stack.trustedRoot));
      const expectation = (identity: string) => ({
        kind: 'identity' as const,
        policy: { identity: { exact: identity }, issuer: { exact: GITHUB_ACTIONS_ISSUER } },
      });
      const verified = verifyBundle(
        bundle,
        { kind: 'digest', algorithm: 'sha256', hex: artifact.sha256 },
        trust,
        expectation(SIGNER),
      );
      assert.ok(verified);
      assert.throws(() =>
        verifyBundle(
          bundle,
          { kind: 'digest', algorithm: 'sha256', hex: artifact.sha256 },
          trust,
          expectation('https://github.com/mallory/x'),
        ),
      );
      const other = createHash('sha256').update('another artifact').digest('hex');
      assert.throws(() =>
        verifyBundle(bundle, { kind: 'digest', algorithm: 'sha256', hex: other }, trust, expectation(SIGNER)),
      );
      const keys = await call(gate.api.url, 'GET', '/api/v1/vsa/public-key.pem');
      assert.deepEqual([keys.status, errorCode(keys)], [404, 'GATE_VSA_KEYLESS']);
    });
  });
});
