import assert from 'node:assert/strict';
import { credentialsIn, redactUrlCredentials } from '../../../src/sbom/python/url-credentials.ts';

describe('url credentials', () => {
  const cases: [string, ReturnType<typeof credentialsIn>, string][] = [
    ['https://pypi.org/simple', 'none', 'https://pypi.org/simple'],
    ['https://user:pass@host/simple', 'secret', 'https://***@host/simple'],
    ['https://token@host/simple', 'secret', 'https://***@host/simple'],
    ['https://user:p@ss@host/simple', 'secret', 'https://***@host/simple'],
    ['git+https://tok@github.com/o/r.git@v1', 'secret', 'git+https://***@github.com/o/r.git@v1'],
    ['https://${USER}:${TOKEN}@host/simple', 'placeholder', 'https://${USER}:${TOKEN}@host/simple'],
    ['git+ssh://git@github.com/o/r.git@v1', 'login', 'git+ssh://git@github.com/o/r.git@v1'],
    ['https://host/path@v1', 'none', 'https://host/path@v1'],
    ['https://***@host/simple', 'secret', 'https://***@host/simple'],
    ['./local@dir', 'none', './local@dir'],
  ];
  for (const [url, kind, redacted] of cases) {
    it(`sees ${kind} in ${url}`, () => {
      assert.equal(credentialsIn(url), kind);
      assert.equal(redactUrlCredentials(url), redacted);
    });
  }
});
