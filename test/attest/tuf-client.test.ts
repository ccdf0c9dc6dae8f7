import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  Key,
  Metadata,
  MetaFile,
  Root,
  Signature,
  Snapshot,
  TargetFile,
  Targets,
  Timestamp,
} from '@tufjs/models';
import { loadTufTrustedRoot } from '../../src/attest/tuf-client.ts';
import { assertRejectsWithCode } from '../support/assert-code.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { PUBLIC_GOOD, readFixture } from './fixtures.ts';

/** A TUF repository of our own (one Ed25519 key for every role), served on 127.0.0.1. */
async function serveTufRepository(options: {
  timestampExpires: Date;
  target?: Buffer;
  servedTarget?: Buffer;
}) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const key = new Key({ keyID: '', keyType: 'ed25519', scheme: 'ed25519', keyVal: { public: raw } });
  const keyID = createHash('sha256').update(JSON.stringify(key.toJSON())).digest('hex');
  const signer = (data: Buffer) =>
    new Signature({ keyID, sig: sign(null, data, privateKey).toString('hex') });
  const far = new Date(Date.now() + 365 * 86400_000).toISOString();
  const target = options.target ?? readFixture(PUBLIC_GOOD);
  const serialize = (m: Metadata<Root | Targets | Snapshot | Timestamp>) => {
    m.sign(signer);
    return Buffer.from(JSON.stringify(m.toJSON()));
  };
  const root = serialize(
    new Metadata(
      Root.fromJSON({
        _type: 'root',
        spec_version: '1.0.31',
        version: 1,
        expires: far,
        keys: { [keyID]: { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } } },
        roles: Object.fromEntries(
          ['root', 'timestamp', 'snapshot', 'targets'].map((role) => [
            role,
            { keyids: [keyID], threshold: 1 },
          ]),
        ),
        consistent_snapshot: false,
      }),
    ),
  );
  const targets = serialize(
    new Metadata(
      new Targets({
        version: 1,
        specVersion: '1.0.31',
        expires: far,
        targets: {
          'trusted_root.json': new TargetFile({
            path: 'trusted_root.json',
            length: target.length,
            hashes: { sha256: createHash('sha256').update(target).digest('hex') },
          }),
        },
      }),
    ),
  );
  const snapshot = serialize(
    new Metadata(
      new Snapshot({
        version: 1,
        specVersion: '1.0.31',
        expires: far,
        meta: { 'targets.json': new MetaFile({ version: 1 }) },
      }),
    ),
  );
  const timestamp = serialize(
    new Metadata(
      new Timestamp({
        version: 1,
        specVersion: '1.0.31',
        expires: options.timestampExpires.toISOString(),
        snapshotMeta: new MetaFile({ version: 1 }),
      }),
    ),
  );
  const files = new Map<string, Buffer>([
    ['/timestamp.json', timestamp],
    ['/snapshot.json', snapshot],
    ['/targets.json', targets],
    ['/targets/trusted_root.json', options.servedTarget ?? target],
  ]);
  const server = http.createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (body) res.writeHead(200).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    root,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('loadTufTrustedRoot', function () {
  this.timeout(30_000);
  let temp: { dir: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    temp = await makeTempDir();
  });
  afterEach(() => temp.cleanup());

  async function start(options: Parameters<typeof serveTufRepository>[0]) {
    const repo = await serveTufRepository(options);
    const rootFile = path.join(temp.dir, 'root.json');
    await writeFile(rootFile, repo.root);
    const load = (offline = false) =>
      loadTufTrustedRoot({
        mirror: repo.url,
        initialRoot: rootFile,
        cacheDir: path.join(temp.dir, 'cache'),
        offline,
        now: new Date(),
        timeoutMs: 2000,
      });
    return { repo, load };
  }

  describe('when the repository is reachable', () => {
    it('refreshes through TUF, and then works from the cache once the repository is gone', async () => {
      const { repo, load } = await start({ timestampExpires: new Date(Date.now() + 86400_000) });
      const fresh = await load();
      assert.equal(fresh.source.kind === 'tuf' && fresh.source.via, 'refresh');
      assert.ok(fresh.root.certificateAuthorities.length > 0);
      await repo.close();
      const offline = await load();
      assert.equal(offline.source.kind === 'tuf' && offline.source.via, 'cache');
      const forced = await load(true);
      assert.equal(forced.source.kind === 'tuf' && forced.source.via, 'cache');
    });

    it('fails closed on expired metadata instead of falling back', async () => {
      const { repo, load } = await start({ timestampExpires: new Date(Date.now() - 1000) });
      try {
        await assertRejectsWithCode(load, 'TRUST_EXPIRED');
      } finally {
        await repo.close();
      }
    });

    it('fails closed when the trusted root does not match its TUF hash', async () => {
      const target = readFixture(PUBLIC_GOOD);
      const servedTarget = Buffer.from(
        target.toString('utf8').replace('rekor.sigstore.dev', 'rekor.evil.example'),
      );
      const { repo, load } = await start({
        timestampExpires: new Date(Date.now() + 86400_000),
        target,
        servedTarget,
      });
      try {
        await assertRejectsWithCode(load, 'TRUST_METADATA_INVALID');
      } finally {
        await repo.close();
      }
    });
  });

  describe('when offline with a cache whose metadata has expired since', () => {
    it('refuses the cache (TRUST_EXPIRED)', async () => {
      const { repo, load } = await start({ timestampExpires: new Date(Date.now() + 1500) });
      await load();
      await repo.close();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await assertRejectsWithCode(() => load(true), 'TRUST_EXPIRED');
    });
  });

  describe('when offline with no cache', () => {
    const seed = {
      rootJson: readFixture('trust/tuf-root.public-good.v15.json'),
      trustedRootJson: readFixture(PUBLIC_GOOD),
    };
    const load = (now: Date, withSeed = true) =>
      loadTufTrustedRoot({
        mirror: 'https://tuf-repo-cdn.sigstore.dev',
        cacheDir: path.join(temp.dir, 'empty'),
        offline: true,
        now,
        ...(withSeed ? { seed } : { initialRoot: path.join(temp.dir, 'none.json') }),
      });

    it('uses the shipped root and trusted root while that root is unexpired', async () => {
      const loaded = await load(new Date('2026-11-19T00:00:00Z'));
      assert.equal(loaded.source.kind === 'tuf' && loaded.source.via, 'embedded');
    });

    it('fails closed once the shipped root has expired (v15 expired on 2026-11-20)', async () => {
      const error = await assertRejectsWithCode(
        () => load(new Date('2026-11-25T00:00:00Z')),
        'TRUST_EXPIRED',
      );
      assert.match(error.message, /2026-11-20/);
    });

    it('says trust is unavailable when nothing was shipped or cached', async () => {
      await assertRejectsWithCode(() => load(new Date(), false), 'TRUST_UNAVAILABLE');
    });
  });
});
