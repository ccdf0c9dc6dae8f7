import * as Spec from '@cyclonedx/cyclonedx-library/Spec';
import * as Validation from '@cyclonedx/cyclonedx-library/Validation';
import { describeError, RaygateError } from '../../shared/errors.ts';
import type { BomFormat } from './serialize.ts';

// One validator per format for the process: the first validation compiles the schema (~0.3 s for JSON).
let jsonValidator: Validation.JsonStrictValidator | undefined;
let xmlValidator: Validation.XmlValidator | undefined;

/**
 * Checks a serialized BOM against the CycloneDX 1.6 schema (JSON: the strict schema, which also rejects
 * unknown fields; XML: the XSD through libxml2). Returns the schema errors, empty when the document is
 * valid. Throws SBOM_VALIDATOR_UNAVAILABLE when the validator's optional dependency is not installed
 * (libxmljs2 for XML is a development dependency).
 *
 * JSON validation time grows about quadratically with the number of components (stack-notes.md: 2.4 s
 * at 5,000, 15 s at 10,000), so it is opt-in and never on the default path.
 */
export async function validateBom(text: string, format: BomFormat): Promise<string[]> {
  const validator =
    format === 'json'
      ? (jsonValidator ??= new Validation.JsonStrictValidator(Spec.Version.v1dot6))
      : (xmlValidator ??= new Validation.XmlValidator(Spec.Version.v1dot6));
  let errors: unknown;
  try {
    errors = await validator.validate(text);
  } catch (error) {
    if (error instanceof Validation.MissingOptionalDependencyError) {
      throw new RaygateError(
        'SBOM_VALIDATOR_UNAVAILABLE',
        'unavailable',
        `Cannot validate CycloneDX ${format.toUpperCase()}: ${error.message}`,
        { cause: error },
      );
    }
    // libxml2 throws when the text is not well-formed XML at all.
    return [`not well-formed: ${describeError(error)}`];
  }
  if (errors === null) return [];
  return (Array.isArray(errors) ? errors : [errors]).map(describeSchemaError);
}

function describeSchemaError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { instancePath?: string; message?: string; params?: unknown; line?: number };
  if (e.instancePath !== undefined) {
    return `${e.instancePath || '/'}: ${e.message ?? 'invalid'} ${JSON.stringify(e.params ?? {})}`;
  }
  if (e.line !== undefined) return `line ${e.line}: ${(e.message ?? 'invalid').trim()}`;
  return JSON.stringify(error);
}
