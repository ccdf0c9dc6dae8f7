import { readFile, stat } from 'node:fs/promises';
import { trustInstance } from '../../attest/evidence/trust.ts';
import type { TrustInstance } from '../../attest/evidence/trust.ts';
import { parseTrustedRoot } from '../../attest/trusted-root.ts';
import { RaygateError } from '../../shared/errors.ts';
import { tufCacheDir } from './verify-bundle.ts';

const MAX_TRUST_FILE = 8 * 1024 * 1024;

/**
 * The Sigstore instances `verify` trusts: the files given (`--trusted-root`, JSON or the JSON lines
 * `gh attestation trusted-root` prints: public-good and GitHub's own instance), else public-good from
 * TUF (plus staging with --staging).
 */
export async function loadTrustInstances(options: {
  trustedRoot?: string[];
  staging?: boolean;
  offline?: boolean;
}): Promise<TrustInstance[]> {
  if (options.trustedRoot && options.trustedRoot.length > 0) {
    const instances: TrustInstance[] = [];
    for (const file of options.trustedRoot) {
      let text: string;
      try {
        if ((await stat(file)).size > MAX_TRUST_FILE) throw new Error('too large');
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new RaygateError(
          'TRUSTED_ROOT_MALFORMED',
          'input',
          `Cannot read the trusted root ${file}: ${(error as Error).message}.`,
        );
      }
      const documents =
        text.trimStart().startsWith('{') && !/}\s*\n\s*{/.test(text)
          ? [text]
          : text.split('\n').filter((l) => l.trim() !== '');
      documents.forEach((document, i) => {
        let json: unknown;
        try {
          json = JSON.parse(document);
        } catch {
          throw new RaygateError(
            'TRUSTED_ROOT_MALFORMED',
            'input',
            `${file}${documents.length > 1 ? ` line ${i + 1}` : ''} is not JSON.`,
          );
        }
        const root = parseTrustedRoot(json);
        const uri = root.certificateAuthorities[0]?.uri;
        instances.push(
          trustInstance(
            `${uri ? uri.replace(/^https?:\/\//, '') : file}${documents.length > 1 ? '' : ''}`,
            root,
          ),
        );
      });
    }
    return instances;
  }
  const tuf = await import('../../attest/tuf-client.ts');
  const load = (mirror: string, initialRoot?: string) =>
    tuf.loadTufTrustedRoot({
      mirror,
      ...(initialRoot ? { initialRoot } : {}),
      cacheDir: tufCacheDir(),
      offline: Boolean(options.offline),
      now: new Date(),
    });
  const instances = [trustInstance('public-good', (await load(tuf.PUBLIC_GOOD_TUF_MIRROR)).root)];
  if (options.staging)
    instances.push(trustInstance('staging', (await load(tuf.STAGING_TUF_MIRROR, tuf.STAGING_TUF_ROOT)).root));
  return instances;
}
