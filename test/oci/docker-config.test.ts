import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCredentialHelper } from '../../src/oci/credential-helper-client.ts';
import { dockerConfigResolver, parseDockerConfig } from '../../src/oci/docker-config-reader.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { makeTempDir } from '../support/temp-dir.ts';

describe('Docker config credentials', () => {
  describe('when config.json has auths entries', () => {
    it('decodes base64 user:password and finds Docker Hub under any of its names', async () => {
      const config = parseDockerConfig(
        JSON.stringify({
          auths: {
            'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
            'https://ghcr.io': { identitytoken: 'refresh-me' },
          },
        }),
      );
      const resolve = dockerConfigResolver(config);
      assert.deepEqual(await resolve('docker.io'), {
        kind: 'basic',
        username: 'hub',
        password: 'pw:with:colons',
      });
      assert.deepEqual(await resolve('ghcr.io'), { kind: 'identity-token', token: 'refresh-me' });
      assert.equal(await resolve('quay.io'), undefined);
    });

    it('rejects a config that is not JSON', async () => {
      await assertRejectsWithCode(() => parseDockerConfig('{'), 'OCI_DOCKER_CONFIG_INVALID');
    });
  });

  describe('when a credential helper is configured', () => {
    let temp: { dir: string; cleanup: () => Promise<void> };
    const env = () => ({ ...process.env, PATH: `${temp.dir}:${process.env.PATH}` });
    before(async () => {
      temp = await makeTempDir();
      const script = async (name: string, body: string) => {
        const file = path.join(temp.dir, `docker-credential-${name}`);
        await writeFile(file, `#!/bin/sh\n${body}\n`);
        await chmod(file, 0o755);
      };
      await script('ok', 'read s; printf \'{"ServerURL":"%s","Username":"u","Secret":"p"}\' "$s"');
      await script('token', 'printf \'{"Username":"<token>","Secret":"rt"}\'');
      await script('none', 'echo "credentials not found in native keychain"; exit 1');
      await script('hang', 'sleep 30');
    });
    after(async () => {
      await temp.cleanup();
    });

    it('reads its answer; <token> means an identity token; "not found" means none', async () => {
      assert.deepEqual(await runCredentialHelper('ok', 'ghcr.io', { env: env() }), {
        kind: 'basic',
        username: 'u',
        password: 'p',
      });
      assert.deepEqual(await runCredentialHelper('token', 'ghcr.io', { env: env() }), {
        kind: 'identity-token',
        token: 'rt',
      });
      assert.equal(await runCredentialHelper('none', 'ghcr.io', { env: env() }), undefined);
    });

    it('kills a helper that hangs, after the timeout', async () => {
      const started = Date.now();
      await assertRejectsWithCode(
        () => runCredentialHelper('hang', 'ghcr.io', { env: env(), timeoutMs: 300 }),
        'OCI_CREDENTIAL_HELPER_FAILED',
      );
      assert.ok(Date.now() - started < 5000);
    });

    it('refuses helper names that are not plain names', async () => {
      await assertRejectsWithCode(() => runCredentialHelper('../evil', 'x'), 'OCI_CREDENTIAL_HELPER_FAILED');
    });
  });
});
