import assert from 'node:assert/strict';
import path from 'node:path';
import type { ScanResult } from '../../../../src/sbom/model.ts';
import { FIXTURES, scanFile } from './scan-files.ts';

/** `name@version:line` of every package, by line. */
function listed(result: ScanResult): string[] {
  return result.packages
    .map((p) => ({
      line: p.locations[0]!.line!,
      text: `${p.name}@${p.version ?? '*'}:${p.locations[0]!.line}`,
    }))
    .sort((a, b) => a.line - b.line)
    .map((p) => p.text);
}

/** `code:line` of every problem, by file, line and code. */
function problems(result: ScanResult): string[] {
  return result.problems
    .map((p) => `${path.posix.basename(p.path ?? '')}:${p.line ?? ''} ${p.code}`)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

interface Case {
  file: string;
  packages: string[];
  problems: string[];
  indexes?: [string, string, number][];
}

// osv-scalibr's own edge cases, judged by pip's rules (see the comments for where pip and scalibr differ).
const CASES: Case[] = [
  {
    file: 'comments.txt',
    packages: ['pycrypto@1.2-alpha:2', 'gmpy2@1:3', 'sympy@1.2:6', 'requests@1.0:7', 'six@1.2:8'],
    problems: [],
  },
  {
    file: 'env_var.txt',
    packages: ['asdf@1.2:1', 'qwert@*:2', 'another@1.0:3'],
    problems: ['env_var.txt:2 REQUIREMENTS_ENV_VAR'],
  },
  {
    // pip's own documentation example: `-c constraints.txt` names a file the folder does not have.
    file: 'example.txt',
    packages: [
      'pandas@2.2.3:1',
      'pytest@*:3',
      'pytest-cov@*:4',
      'beautifulsoup4@*:5',
      'docopt@0.6.1:8',
      'requests@*:9',
      'urllib3@*:10',
      'keyring@*:13',
      'coverage@*:15',
      'mopidy-dirble@*:17',
      'numpy@1.9.2:25',
      'wxpython-phoenix@3.0.3.dev1820+49a8884:28',
    ],
    problems: ['constraints.txt: SBOM_FILE_UNREADABLE', 'example.txt:22 REQUIREMENTS_INCLUDE_UNREADABLE'],
  },
  { file: 'extras.txt', packages: ['pyjwt@2.1.0:1', 'celery@4.4.7:2'], problems: [] },
  {
    // `-foo==1.0` is `-f oo==1.0` to pip's option parser: a find-links entry, not a requirement.
    file: 'invalid.txt',
    packages: ['urllib3@*:4'],
    problems: [
      'invalid.txt:1 REQUIREMENTS_REQUIREMENT_INVALID',
      'invalid.txt:2 REQUIREMENTS_REQUIREMENT_INVALID',
      'invalid.txt:3 REQUIREMENTS_REQUIREMENT_INVALID',
    ],
    indexes: [['find-links', 'oo==1.0', 5]],
  },
  { file: 'loop.txt', packages: [], problems: ['other-loop.txt:2 REQUIREMENTS_INCLUDE_CYCLE'] },
  // The cycle is reported at the same include whichever file the scan starts from.
  { file: 'other-loop.txt', packages: [], problems: ['other-loop.txt:2 REQUIREMENTS_INCLUDE_CYCLE'] },
  {
    // `sha256:123` is no sha256 digest: pip would accept the line and fail every download against it.
    file: 'multiline_and_comments.txt',
    packages: ['pkga@1.0:3', 'pkgb@2.0:7'],
    problems: ['multiline_and_comments.txt:3 REQUIREMENTS_HASH_INVALID'],
  },
  { file: 'no_version.txt', packages: ['pycrypto@*:1', 'gmpy2@*:2', 'sympy@*:3'], problems: [] },
  {
    // pip refuses `--config-settings bar` (no `=`), `--hash=wrongformat` and `--hash=`; foo7, foo10 and foo15
    // are not requirements at all; text after the options is dropped. Line 20 repeats one bad hash: one problem.
    file: 'per_req_options.txt',
    packages: [
      'foo1@1.0:1',
      'foo2@1.0:3',
      'foo3@1.0:5',
      'foo4@1.0:7',
      'foo5@1.0:9',
      'foo6@1.0:11',
      'foo8@1.0:15',
      'foo9@1.0:17',
      'foo11@1.0:22',
      'foo12@1.0:24',
      'foo13@1.0:26',
      'foo14@1.0:28',
      'foo16-client@1.0:32',
      'foo17-hash@1.0:34',
      'foo18-client@1.0:36',
    ],
    problems: [
      'per_req_options.txt:1 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:3 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:3 REQUIREMENTS_OPTION_INVALID',
      'per_req_options.txt:5 REQUIREMENTS_OPTION_INVALID',
      'per_req_options.txt:7 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:9 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:11 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:11 REQUIREMENTS_TEXT_IGNORED',
      'per_req_options.txt:13 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:13 REQUIREMENTS_REQUIREMENT_INVALID',
      'per_req_options.txt:15 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:15 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:17 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:17 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:20 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:20 REQUIREMENTS_REQUIREMENT_INVALID',
      'per_req_options.txt:22 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:24 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:26 REQUIREMENTS_HASH_INVALID',
      'per_req_options.txt:28 REQUIREMENTS_OPTION_INVALID',
      'per_req_options.txt:30 REQUIREMENTS_REQUIREMENT_INVALID',
      'per_req_options.txt:36 REQUIREMENTS_OPTION_INVALID',
    ],
  },
  { file: 'trailing_backslash.txt', packages: ['pkg1@1.0:1'], problems: [] },
  {
    file: 'with_versions.txt',
    packages: [
      'nltk@3.2.2:1',
      'tabulate@0.7.7:2',
      'newspaper3k@*:3',
      'asdf@*:4',
      'qwerty@0.1:5',
      'hy-phen@1.2:7',
      'under-score@1.3:8',
      'pkg-dot-name@5.0.0:9',
      'combination-also-valid@*:10',
      'yolo@1.0:11',
      'pkg@*:12',
    ],
    problems: [],
  },
];

describe('requirements cataloger on osv-scalibr test data', () => {
  for (const c of CASES) {
    describe(`when reading ${c.file}`, () => {
      it('lists exactly the requirements pip would install, and the problems', async () => {
        const result = await scanFile(path.join(FIXTURES, 'osv-scalibr', c.file));
        assert.deepEqual(listed(result), c.packages);
        assert.deepEqual(problems(result), c.problems);
        assert.deepEqual(
          result.indexes.map((i) => [i.kind, i.value, i.location.line]),
          c.indexes ?? [],
        );
      });
    });
  }

  it("keeps the extras, range and marker of pip's documented example", async () => {
    const result = await scanFile(path.join(FIXTURES, 'osv-scalibr', 'example.txt'));
    const requests = result.packages.find((p) => p.name === 'requests')!;
    assert.deepEqual(requests.metadata.kind === 'python-declared' && requests.metadata, {
      kind: 'python-declared',
      format: 'requirements',
      rawName: 'requests',
      specifier: '>=2.8.1,==2.8.*',
      pinned: false,
      extras: ['security'],
      marker: 'python_version < "2.7"',
    });
  });
});
