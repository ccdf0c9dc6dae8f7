import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import type { PolicyProblem, SourcePosition } from './problems.ts';
import { POLICY_SCHEMA } from './schema.ts';
import { escapePointer, type YamlTree } from './yaml-tree.ts';

let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  validator ??= new Ajv2020({ allErrors: true, strict: true, discriminator: true, verbose: true }).compile(
    POLICY_SCHEMA,
  );
  return validator;
}

/** Checks a policy document against the JSON Schema; each error names its line, column and path. */
export function validateAgainstSchema(tree: YamlTree): PolicyProblem[] {
  const validate = compiled();
  if (validate(tree.value)) return [];
  const errors = validate.errors ?? [];
  // A discriminator error already says what is wrong with the rule; its `required` twin adds nothing.
  const tagged = new Set(errors.filter((e) => e.keyword === 'discriminator').map((e) => e.instancePath));
  const problems: PolicyProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'required' && tagged.has(error.instancePath)) continue;
    if (error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    const { pointer, message, onKey } = describe(error);
    const position = positionOf(tree, pointer, onKey);
    const key = `${position.line}:${position.column}:${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ code: 'POLICY_SCHEMA', message, path: pathOf(pointer), ...position });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

function describe(error: ErrorObject): { pointer: string; message: string; onKey: boolean } {
  const here = error.instancePath;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return {
        pointer: `${here}/${escapePointer(name)}`,
        message: `unknown key '${name}'; expected one of: ${allowed.join(', ')}`,
        onKey: true,
      };
    }
    case 'required':
      return {
        pointer: here,
        message: `missing required key '${String(params.missingProperty)}'`,
        onKey: false,
      };
    case 'type':
      return {
        pointer: here,
        message: `must be ${article(String(params.type))}, not ${kindOf(error.data)}`,
        onKey: false,
      };
    case 'enum':
      return {
        pointer: here,
        message: `${show(error.data)} is not one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`,
        onKey: false,
      };
    case 'const':
      return {
        pointer: here,
        message: `must be ${show(params.allowedValue)}, not ${show(error.data)}`,
        onKey: false,
      };
    case 'discriminator': {
      const families = (
        (error.parentSchema as { oneOf: { properties: { check: { const: string } } }[] }).oneOf ?? []
      ).map((s) => s.properties.check.const);
      return params.error === 'mapping'
        ? {
            pointer: `${here}/check`,
            message: `unknown check ${show(params.tagValue)}; expected one of: ${families.join(', ')}`,
            onKey: false,
          }
        : {
            pointer: here,
            message: `every rule needs a 'check' naming its family: ${families.join(', ')}`,
            onKey: false,
          };
    }
    case 'uniqueItems':
      return {
        pointer: `${here}/${String(params.i)}`,
        message: `duplicate list item (the same as item ${String(params.j)})`,
        onKey: false,
      };
    case 'pattern':
      return {
        pointer: here,
        message: `${show(error.data)} does not match the pattern ${String(params.pattern)}`,
        onKey: false,
      };
    default:
      return { pointer: here, message: error.message ?? error.keyword, onKey: false };
  }
}

/** Where a pointer is written; for a node inside an alias, the nearest written ancestor. */
export function positionOf(tree: YamlTree, pointer: string, onKey = false): SourcePosition {
  let p = pointer;
  for (;;) {
    const found = tree.positions.get(p);
    if (found) return onKey && found.key ? found.key : found.value;
    if (p === '') return { line: 1, column: 1 };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** `/rules/2/severity` → `rules[2].severity`. */
export function pathOf(pointer: string): string {
  if (pointer === '') return '(document)';
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : path ? `${path}.${s}` : s), '');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${show(value)}`;
  return `${typeof value} ${String(value)}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    integer: 'an integer',
    boolean: 'true or false',
  };
  return names[type] ?? type;
}

function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
