import formats from 'ajv-formats';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { RaygateError } from '../shared/errors.ts';
import type { JsonSchema } from './define-route.ts';

const addFormats = formats.default;

/** Bodies are JSON: types are exact. */
const bodies = addFormats(new Ajv2020({ strict: true, allErrors: false, useDefaults: true }));
/** Path and query parameters arrive as strings: numbers and booleans are coerced per the schema. */
const parameters = addFormats(
  new Ajv2020({ strict: true, allErrors: false, useDefaults: true, coerceTypes: true }),
);

export type Validator = (value: unknown) => unknown;

export function compileValidator(schema: JsonSchema, where: 'body' | 'query' | 'params'): Validator {
  const validate: ValidateFunction = (where === 'body' ? bodies : parameters).compile(schema);
  return (value) => {
    if (validate(value)) return value;
    throw new RaygateError('REQUEST_INVALID', 'usage', describe(where, validate.errors?.[0]), {
      details: { where },
    });
  };
}

function describe(where: string, error: ErrorObject | undefined): string {
  if (!error) return `The ${where} is invalid.`;
  const pointer = error.instancePath ? `${where}${error.instancePath.replaceAll('/', '.')}` : where;
  if (error.keyword === 'additionalProperties') {
    return `${pointer} has an unknown property '${String(error.params.additionalProperty)}'.`;
  }
  if (error.keyword === 'required')
    return `${pointer} needs the property '${String(error.params.missingProperty)}'.`;
  return `${pointer} ${error.message ?? 'is invalid'}.`;
}
