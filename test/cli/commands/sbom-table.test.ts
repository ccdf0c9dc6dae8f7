import assert from 'node:assert/strict';
import { renderInventoryTable } from '../../../src/cli/commands/sbom-table.ts';
import { declaredLockFile, pythonEnvironment } from '../../sbom/cyclonedx/scan-results.ts';

describe('renderInventoryTable', () => {
  it('groups packages by ecosystem with counts, marking vendored ones', () => {
    const lines = renderInventoryTable(pythonEnvironment()).split('\n');
    assert.deepEqual(
      lines.filter((l) => /^\S+: \d+ packages?$/.test(l)),
      ['conda: 2 packages', 'generic: 1 package', 'pypi: 13 packages'],
    );
    assert.ok(lines.includes('haproxy  -        generic  /usr/local/bin/haproxy'));
    assert.ok(
      lines.some((l) =>
        /^yarl +1\.18\.3 +dist-info, vendored +\/home\/ray\/.*\/thirdparty_files\/yarl-1\.18\.3\.dist-info\/METADATA$/.test(
          l,
        ),
      ),
    );
    assert.equal(lines.at(-2), '16 packages in 3 ecosystems.');
  });

  it('shows a declared range where there is no version, and the line it was declared on', () => {
    const lines = renderInventoryTable(declaredLockFile()).split('\n');
    assert.ok(lines.includes('click      >=7.0    requirements  /requirements.txt:10'), lines.join('\n'));
    assert.ok(lines.includes('pyarrow  19.0.1   environment-yml  /environment.yml:6'), lines.join('\n'));
  });

  it('says so when there is nothing', () => {
    const empty = { ...declaredLockFile(), packages: [], relationships: [] };
    assert.equal(renderInventoryTable(empty), 'No packages found.\n');
  });
});
