import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { sbomCommand } from '../../../src/cli/commands/sbom.ts';
import type { SbomCommandDeps } from '../../../src/cli/commands/sbom-run.ts';
import type { Cataloger, ParseResult } from '../../../src/sbom/catalogers/cataloger.ts';
import { parseSpdxExpression } from '../../../src/sbom/cyclonedx/spdx-expression.ts';
import { validateBom } from '../../../src/sbom/cyclonedx/validate.ts';
import type { Package } from '../../../src/sbom/model.ts';
import { toPurl } from '../../../src/shared/purl.ts';
import { isRaygateError } from '../../../src/shared/errors.ts';
import { REPO_ROOT, runCli } from '../../support/run-cli.ts';
import { makeTempDir } from '../../support/temp-dir.ts';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/cli/sbom/dist-packages');

interface CycloneDxJson {
  serialNumber: string;
  metadata: { timestamp?: string; properties?: { name: string; value: string }[] };
  components: { name: string; version?: string; purl?: string; 'bom-ref': string }[];
  dependencies: { ref: string }[];
}

/**
 * A minimal installed-package cataloger for exercising the command's plumbing (the real Python
 * catalogers live in their own folders): reads Name, Version and License from core metadata.
 */
const metadataCataloger: Cataloger = {
  name: 'test-metadata-cataloger',
  tags: ['installed', 'python'],
  fileRequired: (p) => /\.dist-info\/METADATA$|\.egg-info\/PKG-INFO$/.test(p),
  parse(file): ParseResult {
    const text = Buffer.from(file.bytes).toString('utf8');
    const field = (name: string) => new RegExp(`^${name}: *(.*)$`, 'm').exec(text)?.[1]?.trim();
    const name = field('Name')?.toLowerCase();
    const version = field('Version');
    if (!name || !version) {
      return {
        packages: [],
        relationships: [],
        problems: [
          {
            code: 'TEST_METADATA_INCOMPLETE',
            severity: 'warning',
            message: 'no Name or Version',
            path: file.path,
          },
        ],
      };
    }
    const license = field('License');
    const pkg: Package = {
      id: `pypi:${name}@${version}:${file.path}`,
      ecosystem: 'pypi',
      name,
      version,
      purl: toPurl({ type: 'pypi', name, version }),
      foundBy: '',
      locations: [{ path: file.path }],
      hashes: [],
      licenses: license ? [parseSpdxExpression(license) ? { expression: license } : { text: license }] : [],
      metadata: {
        kind: 'python-installed',
        format: file.path.endsWith('PKG-INFO') ? 'egg-info' : 'dist-info',
        rawName: field('Name')!,
        requiresDist: [],
        providesExtras: [],
        wheelTags: [],
        installDir: path.posix.dirname(path.posix.dirname(file.path)),
      },
    };
    return { packages: [pkg], relationships: [], problems: [] };
  },
};

/** A declared-requirements cataloger: `name==version` lines; a file with NUL bytes is rejected. */
const pinsCataloger: Cataloger = {
  name: 'test-pins-cataloger',
  tags: ['declared'],
  fileRequired: (p) => p.endsWith('/pins.txt'),
  fileAccepted: (p) => p.endsWith('.txt'),
  parse(file): ParseResult {
    if (file.bytes.includes(0)) {
      return {
        packages: [],
        relationships: [],
        problems: [{ code: 'TEST_BINARY', severity: 'error', message: 'binary data', path: file.path }],
      };
    }
    const packages = Buffer.from(file.bytes)
      .toString('utf8')
      .split('\n')
      .map((line, i) => ({ line: i + 1, match: /^([a-z0-9-]+)==(\S+)$/.exec(line.trim()) }))
      .filter((l) => l.match)
      .map(({ line, match }): Package => {
        const [, name, version] = match!;
        return {
          id: `pypi:${name}@${version}:${file.path}:${line}`,
          ecosystem: 'pypi',
          name: name!,
          version,
          purl: toPurl({ type: 'pypi', name: name!, version }),
          foundBy: '',
          locations: [{ path: file.path, line }],
          hashes: [],
          licenses: [],
          metadata: {
            kind: 'python-declared',
            format: 'requirements',
            rawName: name!,
            specifier: `==${version}`,
            pinned: true,
            extras: [],
          },
        };
      });
    return { packages, relationships: [], problems: [] };
  },
};

interface InProcessRun {
  stderr: string;
  error?: unknown;
}

/** Runs `raygate sbom` in this process with the test catalogers (the real binary has the real ones). */
async function sbomInProcess(
  args: string[],
  overrides: Partial<SbomCommandDeps> = {},
  interactive = false,
): Promise<InProcessRun> {
  const stderr: string[] = [];
  const program = new Command('raygate')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  sbomCommand({
    catalogers: [metadataCataloger, pinsCataloger],
    processors: [],
    tool: { name: 'raygate', version: '0.0.0-test' },
    env: {},
    stderr: (text) => stderr.push(text),
    ...overrides,
  })(program, { setExitCode: () => {}, interactive });
  try {
    await program.parseAsync(['node', 'raygate', 'sbom', ...args]);
    return { stderr: stderr.join('') };
  } catch (error) {
    return { stderr: stderr.join(''), error };
  }
}

function assertCode(run: InProcessRun, code: string) {
  assert.ok(isRaygateError(run.error), `expected ${code}, got ${String(run.error)}`);
  assert.equal(run.error.code, code);
}

describe('raygate sbom', function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir());
  });
  afterEach(() => cleanup());

  describe('when run through the real binary', () => {
    it('documents its formats, reproducibility and examples in --help', async () => {
      const run = await runCli(['sbom', '--help']);
      assert.equal(run.code, 0);
      for (const text of [
        'cyclonedx-json',
        'cyclonedx-xml',
        'table',
        'SOURCE_DATE_EPOCH',
        'Examples:',
        'Exit codes:',
      ]) {
        assert.ok(run.stdout.includes(text), `--help mentions ${text}`);
      }
    });

    it('writes byte-identical BOMs on two deterministic runs, and valid CycloneDX', async () => {
      for (const format of ['cyclonedx-json', 'cyclonedx-xml']) {
        const runs = await Promise.all([
          runCli(['sbom', FIXTURE, '--deterministic', '--format', format]),
          runCli(['sbom', FIXTURE, '--deterministic', '--format', format]),
        ]);
        for (const run of runs) assert.equal(run.code, 0, run.stderr);
        assert.equal(runs[0]!.stdout, runs[1]!.stdout);
        assert.deepEqual(
          await validateBom(runs[0]!.stdout, format === 'cyclonedx-json' ? 'json' : 'xml'),
          [],
        );
      }
    });

    it('takes the timestamp from SOURCE_DATE_EPOCH and is then reproducible without the flag', async () => {
      const env = { SOURCE_DATE_EPOCH: '1700000000' };
      const [a, b] = await Promise.all([
        runCli(['sbom', FIXTURE], { env }),
        runCli(['sbom', FIXTURE], { env }),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, b.stdout);
      const bom = JSON.parse(a.stdout) as CycloneDxJson;
      assert.equal(bom.metadata.timestamp, '2023-11-14T22:13:20.000Z');
      assert.ok(bom.metadata.properties!.some((p) => p.name === 'cdx:reproducible' && p.value === 'true'));
    });

    it('draws a fresh serial number and the current time without reproducibility', async () => {
      const env = { SOURCE_DATE_EPOCH: '' };
      const [a, b] = await Promise.all([
        runCli(['sbom', FIXTURE], { env }),
        runCli(['sbom', FIXTURE], { env }),
      ]);
      const [bomA, bomB] = [a, b].map((r) => JSON.parse(r.stdout) as CycloneDxJson);
      assert.notEqual(bomA!.serialNumber, bomB!.serialNumber);
      assert.ok(Math.abs(Date.parse(bomA!.metadata.timestamp!) - Date.now()) < 60_000);
    });

    it('writes --output atomically and keeps stdout empty', async () => {
      const out = path.join(dir, 'sbom.cdx.xml');
      const run = await runCli(['sbom', `dir:${FIXTURE}`, '-f', 'cyclonedx-xml', '-o', out, '--validate']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(
        await readFile(out, 'utf8'),
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<bom xmlns="http:\/\/cyclonedx.org\/schema\/bom\/1.6"/,
      );
      assert.deepEqual(await readdir(dir), ['sbom.cdx.xml']);
    });

    it('exits 2 with nothing on stdout for a target that does not exist', async () => {
      const run = await runCli(['sbom', path.join(dir, 'missing')]);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /TARGET_NOT_FOUND/);
    });

    it('exits 2 on usage errors: a bad SOURCE_DATE_EPOCH, an unknown cataloger, --validate with a table', async () => {
      const runs = await Promise.all([
        runCli(['sbom', FIXTURE], { env: { SOURCE_DATE_EPOCH: 'yesterday' } }),
        runCli(['sbom', FIXTURE, '--catalogers', 'installed,nonsense']),
        runCli(['sbom', FIXTURE, '--format', 'table', '--validate']),
        runCli(['sbom', FIXTURE, '--format', 'spdx']),
      ]);
      assert.deepEqual(
        runs.map((r) => r.code),
        [2, 2, 2, 2],
      );
      assert.match(runs[0]!.stderr, /SOURCE_DATE_EPOCH_INVALID/);
      assert.match(runs[1]!.stderr, /CATALOGER_UNKNOWN: Unknown cataloger or tag: nonsense/);
      assert.match(runs[2]!.stderr, /USAGE_INVALID/);
      for (const run of runs) assert.equal(run.stdout, '');
    });
  });

  describe('when cataloging a real folder', () => {
    it('lists every package, reports problems on stderr and in the BOM, and exits normally', async () => {
      const target = path.join(dir, 'dist-packages');
      await cp(FIXTURE, target, { recursive: true });
      await mkdir(path.join(target, 'broken-1.0.dist-info'));
      await writeFile(
        path.join(target, 'broken-1.0.dist-info/METADATA'),
        'Metadata-Version: 2.1\nName: broken\n',
      );
      const out = path.join(dir, 'bom.json');
      const run = await sbomInProcess([target, '-o', out, '--validate']);
      assert.equal(run.error, undefined);
      const bom = JSON.parse(await readFile(out, 'utf8')) as CycloneDxJson;
      assert.deepEqual(
        bom.components.map((c) => [c.name, c.version, c.purl]),
        [
          ['cryptography', '38.0.4', 'pkg:pypi/cryptography@38.0.4'],
          ['distro', '1.8.0', 'pkg:pypi/distro@1.8.0'],
          ['six', '1.16.0', 'pkg:pypi/six@1.16.0'],
        ],
      );
      assert.equal(bom.dependencies.length, 4);
      const problem =
        'warning TEST_METADATA_INCOMPLETE /broken-1.0.dist-info/METADATA by test-metadata-cataloger: no Name or Version';
      assert.ok(bom.metadata.properties!.some((p) => p.name === 'raygate:problem' && p.value === problem));
      assert.match(run.stderr, /1 problem \(0 errors, 1 warning\)/);
      assert.ok(run.stderr.includes(problem));
    });

    it('gives byte-identical output on two deterministic runs', async () => {
      const outputs: string[] = [];
      for (const n of [1, 2]) {
        const out = path.join(dir, `bom-${n}.xml`);
        const run = await sbomInProcess([FIXTURE, '--deterministic', '-f', 'cyclonedx-xml', '-o', out]);
        assert.equal(run.error, undefined);
        outputs.push(await readFile(out, 'utf8'));
      }
      assert.equal(outputs[0], outputs[1]);
      assert.match(outputs[0]!, /<name>cryptography<\/name>/);
      assert.match(
        outputs[0]!,
        /<expression acknowledgement="declared">BSD-3-Clause OR Apache-2.0<\/expression>/,
      );
    });

    it('prints a table grouped by ecosystem', async () => {
      const out = path.join(dir, 'table.txt');
      const run = await sbomInProcess([FIXTURE, '-f', 'table', '-o', out]);
      assert.equal(run.error, undefined);
      const table = await readFile(out, 'utf8');
      assert.equal(
        table,
        [
          'pypi: 3 packages',
          'NAME          VERSION  TYPE       LOCATION',
          'cryptography  38.0.4   dist-info  /cryptography-38.0.4.dist-info/METADATA',
          'distro        1.8.0    dist-info  /distro-1.8.0.dist-info/METADATA',
          'six           1.16.0   egg-info   /six-1.16.0.egg-info/PKG-INFO',
          '',
          '3 packages in 1 ecosystem.',
          '',
        ].join('\n'),
      );
    });

    it('runs only the catalogers --catalogers names', async () => {
      await writeFile(path.join(dir, 'pins.txt'), 'attrs==23.2.0\n');
      await cp(FIXTURE, path.join(dir, 'site'), { recursive: true });
      const read = async (list: string) => {
        const out = path.join(dir, `${list}.json`);
        const run = await sbomInProcess([dir, '--catalogers', list, '-o', out]);
        assert.equal(run.error, undefined);
        return (JSON.parse(await readFile(out, 'utf8')) as CycloneDxJson).components.map((c) => c.name);
      };
      assert.deepEqual(await read('declared'), ['attrs']);
      assert.deepEqual(await read('test-metadata-cataloger'), ['cryptography', 'distro', 'six']);
      assert.deepEqual(await read('installed,declared'), ['attrs', 'cryptography', 'distro', 'six']);
    });

    it('shows progress on stderr only when it is a terminal', async () => {
      const quiet = await sbomInProcess([FIXTURE, '-o', path.join(dir, 'a.json')]);
      const chatty = await sbomInProcess([FIXTURE, '-o', path.join(dir, 'b.json')], {}, true);
      assert.equal(quiet.stderr, '');
      assert.match(chatty.stderr, /scanning .* with 2 catalogers/);
      assert.match(chatty.stderr, /found 3 packages/);
    });
  });

  describe('when the target is a single file', () => {
    it('asks catalogers whether they accept the file, not whether they require its name', async () => {
      const file = path.join(dir, 'constraints.txt');
      await writeFile(file, 'urllib3==1.26.19\nrequests==2.32.3\n');
      const out = path.join(dir, 'bom.json');
      const run = await sbomInProcess([`file:${file}`, '-o', out]);
      assert.equal(run.error, undefined);
      const bom = JSON.parse(await readFile(out, 'utf8')) as CycloneDxJson;
      assert.deepEqual(
        bom.components.map((c) => c['bom-ref']),
        ['pkg:pypi/requests@2.32.3', 'pkg:pypi/urllib3@1.26.19'],
      );
    });

    it('fails with TARGET_UNREADABLE when no cataloger reads it, writing nothing', async () => {
      const file = path.join(dir, 'image.bin');
      await writeFile(file, 'x');
      const out = path.join(dir, 'bom.json');
      const run = await sbomInProcess([file, '-o', out]);
      assertCode(run, 'TARGET_UNREADABLE');
      assert.match(run.stderr, /error SBOM_FORMAT_UNKNOWN \/image\.bin/);
      assert.deepEqual(await readdir(dir), ['image.bin']);
    });

    it('fails with TARGET_UNREADABLE when its cataloger rejects it outright', async () => {
      const file = path.join(dir, 'garbage.txt');
      await writeFile(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
      const run = await sbomInProcess([file, '-o', path.join(dir, 'bom.json')]);
      assertCode(run, 'TARGET_UNREADABLE');
      assert.match(run.stderr, /error TEST_BINARY \/garbage\.txt by test-pins-cataloger: binary data/);
    });
  });

  describe('when a scan has many problems', () => {
    it('prints errors first, then summarises what it does not print', async () => {
      for (let i = 0; i < 25; i++) {
        await mkdir(path.join(dir, `p${i}.dist-info`));
        await writeFile(path.join(dir, `p${i}.dist-info/METADATA`), 'Name: p\n');
      }
      await writeFile(path.join(dir, 'pins.txt'), Buffer.from([0]));
      const run = await sbomInProcess([dir, '-o', path.join(dir, 'bom.json')]);
      assert.equal(run.error, undefined);
      const lines = run.stderr.trimEnd().split('\n');
      assert.equal(lines[0], 'raygate: 26 problems (1 error, 25 warnings):');
      assert.match(lines[1]!, /^ {2}error TEST_BINARY \/pins\.txt/);
      assert.equal(lines.length, 22);
      assert.match(lines[21]!, /… and 6 more \(TEST_METADATA_INCOMPLETE ×6\); all are recorded in the BOM/);
    });
  });
});
