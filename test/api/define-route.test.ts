import assert from 'node:assert/strict';
import { defineRoute } from '../../src/api/define-route.ts';

const base = {
  name: 'r',
  summary: 's',
  tags: [],
  responses: { 200: { description: 'ok' } },
  handler: async () => ({ status: 200 }),
};

describe('defineRoute', () => {
  it('refuses a public mutating route', () => {
    assert.throws(
      () => defineRoute({ ...base, method: 'post', path: '/api/v1/x', permission: 'public' }),
      /cannot be public/,
    );
  });

  it('refuses path parameters the params schema does not declare, and the reverse', () => {
    assert.throws(
      () => defineRoute({ ...base, method: 'get', path: '/api/v1/x/:id', permission: 'release:read' }),
      /path parameters/,
    );
    assert.throws(
      () =>
        defineRoute({
          ...base,
          method: 'get',
          path: '/api/v1/x',
          permission: 'release:read',
          params: { type: 'object', properties: { id: { type: 'string' } } },
        }),
      /path parameters/,
    );
  });

  it('refuses a body on GET', () => {
    assert.throws(
      () =>
        defineRoute({ ...base, method: 'get', path: '/x', permission: 'public', body: { type: 'object' } }),
      /no body/,
    );
  });
});
