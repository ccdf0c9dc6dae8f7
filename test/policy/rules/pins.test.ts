import assert from 'node:assert/strict';
import type { LockFileEvidence } from '../../../src/policy/evidence.ts';
import { decide, evidenceOf, policyOf, reasonLines, ruleOf } from '../support.ts';

const lock: LockFileEvidence = {
  path: 'docker/requirements.txt',
  hashCoverage: 'partial',
  requirements: [
    {
      name: 'numpy',
      version: '1.26.4',
      pin: 'exact',
      specifier: '==1.26.4',
      pinnedByConstraint: false,
      hashes: 2,
      hashable: true,
      location: { path: 'docker/requirements.txt', line: 3 },
    },
    {
      name: 'pandas',
      pin: 'range',
      specifier: '>=2.0,<3',
      pinnedByConstraint: false,
      hashes: 0,
      hashable: true,
      location: { path: 'docker/requirements.txt', line: 4 },
    },
    {
      name: 'pyarrow',
      pin: 'range',
      specifier: '>=14',
      pinnedByConstraint: true,
      hashes: 1,
      hashable: true,
      location: { path: 'docker/requirements.txt', line: 5 },
    },
    {
      name: 'acme-tools',
      pin: 'vcs',
      specifier: '',
      pinnedByConstraint: false,
      hashes: 0,
      hashable: false,
      location: { path: 'docker/requirements.txt', line: 6 },
    },
  ],
  findings: [
    {
      ruleId: 'PIN-101',
      rule: 'extra-index-url',
      severity: 'high',
      message: '--extra-index-url https://pypi.acme.dev/simple makes every name resolvable from 2 indexes.',
      subject: 'https://pypi.acme.dev/simple',
      location: { path: 'docker/requirements.txt', line: 1 },
    },
    {
      ruleId: 'PIN-001',
      rule: 'unpinned-requirement',
      severity: 'medium',
      message: 'pandas is not pinned.',
      package: 'pandas',
      location: { path: 'docker/requirements.txt', line: 4 },
    },
  ],
};

describe('pins rule', () => {
  describe('when exact pins and hashes are required', () => {
    it('fails each requirement that is not exact (a constraint pin counts) or has no hash (VCS cannot)', () => {
      const d = decide(
        policyOf('  - {id: p, check: pins, exact: true, hashes: true}'),
        evidenceOf({ lockFiles: [lock] }),
      );
      assert.deepEqual(reasonLines(d, 'p'), [
        'fail PINS_NOT_EXACT: acme-tools (docker/requirements.txt:6) is installed from a VCS checkout; the policy requires one exact version.',
        'fail PINS_NOT_EXACT: pandas (docker/requirements.txt:4) is a range (>=2.0,<3); the policy requires one exact version.',
        'fail PINS_NO_HASH: pandas (docker/requirements.txt:4) has no hash; the policy requires a hash for every requirement.',
      ]);
      assert.equal(ruleOf(d, 'p').summary, '1 lock file, 4 requirements: 3 failing');
      assert.deepEqual(ruleOf(d, 'p').reasons[1]!.subject, {
        package: 'pypi/pandas',
        file: 'docker/requirements.txt',
        line: 4,
        field: 'pin',
      });
    });
  });

  describe('when pin findings are selected by severity and id', () => {
    it('fails findings at or above the severity or with a listed id, never excluded ones', () => {
      const d = decide(
        policyOf('  - {id: p, check: pins, findings: {severity: high, ids: [PIN-001]}}'),
        evidenceOf({ lockFiles: [lock] }),
      );
      assert.deepEqual(reasonLines(d, 'p'), [
        'fail PINS_FINDING: PIN-101 extra-index-url [high] (docker/requirements.txt:1): --extra-index-url https://pypi.acme.dev/simple makes every name resolvable from 2 indexes.',
        'fail PINS_FINDING: PIN-001 unpinned-requirement [medium] (docker/requirements.txt:4): pandas is not pinned.',
      ]);
      const excluded = decide(
        policyOf('  - {id: p, check: pins, findings: {severity: medium, exclude: [PIN-101, PIN-001]}}'),
        evidenceOf({ lockFiles: [lock] }),
      );
      assert.equal(ruleOf(excluded, 'p').status, 'pass');
    });
  });

  describe('when there is no lock file, or it cannot be read', () => {
    it('warns by default and fails when asked', () => {
      assert.deepEqual(
        reasonLines(decide(policyOf('  - {id: p, check: pins, exact: true}'), evidenceOf()), 'p'),
        ['warn PINS_NO_LOCK_FILE: The release has no lock file.'],
      );
      const d = decide(
        policyOf("  - {id: p, check: pins, exact: true, missing: fail, files: ['**/uv.lock']}"),
        evidenceOf({ lockFiles: [lock] }),
      );
      assert.deepEqual(reasonLines(d, 'p'), [
        'fail PINS_NO_LOCK_FILE: The release has no lock file matching **/uv.lock.',
      ]);
    });

    it('fails an unreadable lock file', () => {
      const unreadable: LockFileEvidence = {
        path: 'uv.lock',
        hashCoverage: 'not-applicable',
        requirements: [],
        findings: [],
        unreadable: { code: 'SBOM_FILE_TOO_LARGE', message: 'uv.lock is larger than 16 MiB' },
      };
      const d = decide(policyOf('  - {id: p, check: pins}'), evidenceOf({ lockFiles: [unreadable] }));
      assert.deepEqual(reasonLines(d, 'p'), [
        'fail PINS_UNREADABLE: uv.lock could not be analysed: uv.lock is larger than 16 MiB (SBOM_FILE_TOO_LARGE).',
      ]);
    });
  });
});
