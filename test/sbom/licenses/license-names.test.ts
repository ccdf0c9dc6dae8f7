import assert from 'node:assert/strict';
import { classifierToSpdx, licenseNameToSpdx } from '../../../src/sbom/licenses/license-names.ts';
import { licenseFromText } from '../../../src/sbom/licenses/license-text.ts';
import { normalizeSpdxExpression } from '../../../src/sbom/licenses/spdx-expression.ts';

describe('licenses', () => {
  describe('normalizeSpdxExpression', () => {
    it('canonicalises case and operators and validates the result', () => {
      assert.equal(normalizeSpdxExpression('mit or apache-2.0'), 'MIT OR Apache-2.0');
      assert.equal(
        normalizeSpdxExpression('(MIT OR BSD-3-Clause) and zlib'),
        '(MIT OR BSD-3-Clause) AND Zlib',
      );
      assert.equal(
        normalizeSpdxExpression('GPL-2.0-or-later WITH Classpath-exception-2.0'),
        'GPL-2.0-or-later WITH Classpath-exception-2.0',
      );
      assert.equal(normalizeSpdxExpression('LicenseRef-Proprietary'), 'LicenseRef-Proprietary');
    });
    it('rejects what is not an SPDX expression', () => {
      for (const bad of ['BSD', 'Apache 2.0', 'MIT OR', '(MIT', 'MIT AND AND Zlib', '', 'MIT; rm -rf']) {
        assert.equal(normalizeSpdxExpression(bad), undefined, bad);
      }
    });
  });

  describe('licenseNameToSpdx', () => {
    const cases: [string, string | undefined][] = [
      ['Apache 2.0', 'Apache-2.0'],
      ['Apache License, Version 2.0', 'Apache-2.0'],
      ['Apache Software License', 'Apache-2.0'],
      ['MIT License', 'MIT'],
      ['The MIT License (MIT)', 'MIT'],
      ['Expat (MIT/X11)', 'MIT'],
      ['BSD 3-Clause', 'BSD-3-Clause'],
      ['New BSD', 'BSD-3-Clause'],
      ['Simplified BSD', 'BSD-2-Clause'],
      ['GPLv2+', 'GPL-2.0-or-later'],
      ['GPLv2', 'GPL-2.0-only'],
      ['LGPL v3', 'LGPL-3.0-only'],
      ['GNU Lesser General Public License v2 or later (LGPLv2+)', 'LGPL-2.0-or-later'],
      ['PSF license', 'PSF-2.0'],
      ['Mozilla Public License 2.0 (MPL 2.0)', 'MPL-2.0'],
      ['Eclipse Public License 2.0 (EPL-2.0)', 'EPL-2.0'],
      ['Apache 2.0 or MIT', 'Apache-2.0 OR MIT'],
      ['BSD-3-Clause OR Apache-2.0', 'BSD-3-Clause OR Apache-2.0'],
      // Names that do not say which license: no guess.
      ['BSD', undefined],
      ['BSD License', undefined],
      ['GNU GPL', undefined],
      ['Apache', undefined],
      ['Public Domain', undefined],
      ['Dual License', undefined],
      ['BSD or Apache 2.0', undefined],
    ];
    for (const [text, expected] of cases) {
      it(`${JSON.stringify(text)} → ${expected ?? 'nothing'}`, () =>
        assert.equal(licenseNameToSpdx(text), expected));
    }
  });

  describe('classifierToSpdx', () => {
    it('maps classifiers that name one license and only those', () => {
      assert.equal(classifierToSpdx('License :: OSI Approved :: MIT License'), 'MIT');
      assert.equal(classifierToSpdx('License :: OSI Approved :: Apache Software License'), 'Apache-2.0');
      assert.equal(
        classifierToSpdx('License :: OSI Approved :: GNU General Public License v3 or later (GPLv3+)'),
        'GPL-3.0-or-later',
      );
      assert.equal(classifierToSpdx('License :: OSI Approved :: ISC License (ISCL)'), 'ISC');
      assert.equal(classifierToSpdx('License :: OSI Approved :: BSD License'), undefined);
      assert.equal(
        classifierToSpdx('License :: OSI Approved :: GNU General Public License (GPL)'),
        undefined,
      );
      assert.equal(classifierToSpdx('License :: OSI Approved'), undefined);
      assert.equal(classifierToSpdx('License :: Other/Proprietary License'), undefined);
      assert.equal(classifierToSpdx('Programming Language :: Python'), undefined);
    });
  });

  describe('licenseFromText', () => {
    it('keeps undeterminable text, skips placeholders, and judges a full license text by its title', () => {
      assert.deepEqual(licenseFromText('BSD'), { text: 'BSD' });
      assert.equal(licenseFromText('UNKNOWN'), undefined);
      assert.equal(licenseFromText('  '), undefined);
      assert.deepEqual(
        licenseFromText('BSD 3-Clause License\n\nCopyright (c) 2008 ...\nAll rights reserved.'),
        {
          expression: 'BSD-3-Clause',
        },
      );
      assert.deepEqual(licenseFromText('Copyright (c) 2008 Someone\n\nPermission is hereby granted'), {
        text: 'Copyright (c) 2008 Someone …',
      });
    });
  });
});
