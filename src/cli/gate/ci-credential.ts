import { RaygateError } from '../../shared/errors.ts';

/**
 * The credential `gate` commands present: RAYGATE_TOKEN (an API token), else in GitHub Actions an OIDC ID
 * token requested for `audience` from the runner (ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN, available to a
 * job with `permissions: id-token: write`), so CI needs no stored secret.
 */
export async function ciCredential(
  env: NodeJS.ProcessEnv,
  audience: string,
): Promise<{ token: string; kind: 'token' | 'oidc' }> {
  const token = env.RAYGATE_TOKEN?.trim();
  if (token) return { token, kind: 'token' };
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !requestToken) {
    throw new RaygateError(
      'GATE_CREDENTIAL_MISSING',
      'usage',
      'Set RAYGATE_TOKEN, or run in GitHub Actions with "permissions: id-token: write" so an OIDC token can be requested.',
    );
  }
  const requestUrl = new URL(url);
  requestUrl.searchParams.set('audience', audience);
  let response: Response;
  try {
    response = await fetch(requestUrl, {
      headers: { authorization: `bearer ${requestToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new RaygateError(
      'GATE_OIDC_UNAVAILABLE',
      'unavailable',
      `Cannot request an OIDC token: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (!response.ok || typeof value !== 'string' || value.split('.').length !== 3) {
    throw new RaygateError(
      'GATE_OIDC_UNAVAILABLE',
      'unavailable',
      `The runner did not issue an OIDC token (${response.status}).`,
    );
  }
  return { token: value, kind: 'oidc' };
}
