import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the generated reports ask pip for; part of the cache key. */
import { RAY_REQUIREMENT } from '../../../support/ray-venv.ts';
import { cached, cacheKey } from '../../../support/test-cache.ts';
const LOCAL_PROJECT = {
  'pyproject.toml': [
    '[build-system]',
    'requires = ["setuptools"]',
    'build-backend = "setuptools.build_meta"',
    '',
    '[project]',
    'name = "demo-local"',
    'version = "0.1.0"',
    'dependencies = ["requests>=2"]',
    '',
  ].join('\n'),
  'demo_local/__init__.py': '',
};

export interface GeneratedReports {
  /** `pip install --dry-run --report` of ray[data]. */
  ray: string;
  /** The same plus an editable local project and a direct file URL reference (`six @ file://…`). */
  direct: string;
}

/**
 * Produces real pip installation reports with the machine's pip and its offline wheel mirror, once, cached
 * under ~/.cache/raygate-test (or $RAYGATE_TEST_CACHE) by a key of the inputs: nothing is installed, pip only
 * resolves (`--dry-run`, `--ignore-installed` so what the venv itself holds is reported too).
 */
export async function generatePipReports(): Promise<GeneratedReports> {
  const dir = await cached(
    `pip-report-${cacheKey(JSON.stringify({ v: 3, RAY_REQUIREMENT, LOCAL_PROJECT }))}`,
    (work) => buildReports(work),
  );
  return { ray: path.join(dir, 'ray.json'), direct: path.join(dir, 'direct.json') };
}

async function buildReports(work: string): Promise<void> {
  const venv = path.join(work, 'venv');
  const pip = path.join(venv, 'bin/pip');
  await run('python3', ['-m', 'venv', venv]);
  // Building the editable project's metadata without isolation needs these in the venv.
  await run(pip, ['install', '--retries', '0', '-q', 'setuptools', 'wheel'], { maxBuffer: 1 << 24 });
  const ray = path.join(work, 'ray.json');
  await run(
    pip,
    ['install', '--retries', '0', '--dry-run', '--ignore-installed', '-q', '--report', ray, RAY_REQUIREMENT],
    { maxBuffer: 1 << 24 },
  );

  const six = (
    JSON.parse(await readFile(ray, 'utf8')) as {
      install: { metadata: { name: string }; download_info: { url: string } }[];
    }
  ).install.find((i) => i.metadata.name === 'six');
  if (!six) throw new Error('the ray[data] report has no six to reference directly');
  const project = path.join(work, 'demo-local');
  for (const [file, content] of Object.entries(LOCAL_PROJECT)) {
    await mkdir(path.dirname(path.join(project, file)), { recursive: true });
    await writeFile(path.join(project, file), content);
  }
  const direct = path.join(work, 'direct.json');
  await run(
    pip,
    [
      'install',
      '--retries',
      '0',
      '--dry-run',
      '--ignore-installed',
      '-q',
      '--no-build-isolation',
      '--report',
      direct,
      RAY_REQUIREMENT,
      '-e',
      project,
      `six @ ${six.download_info.url}`,
    ],
    { maxBuffer: 1 << 24 },
  );
  await rm(venv, { recursive: true, force: true });
}
