import { RaygateError } from '../shared/errors.ts';

export function releaseNotFound(id: string): RaygateError {
  return new RaygateError('GATE_RELEASE_NOT_FOUND', 'not-found', `No release ${id}.`);
}

export function exceptionNotFound(id: string): RaygateError {
  return new RaygateError('GATE_EXCEPTION_NOT_FOUND', 'not-found', `No exception ${id}.`);
}
