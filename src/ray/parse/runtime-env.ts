import type { RayProblem, RuntimeEnvFacts, SourceRef } from '../model.ts';
import { isRecord, lineOf } from '../yaml/safe-yaml.ts';

/** A runtime environment read from parsed YAML, with line numbers for its fields. */
export function runtimeEnvFromValue(
  value: Record<string, unknown>,
  origin: string,
  at: SourceRef,
  clusterId?: string,
): RuntimeEnvFacts {
  return {
    origin,
    ...(clusterId ? { clusterId } : {}),
    value,
    at,
    lineOf(path) {
      let container: unknown = value;
      let line: number | undefined = lineOf(value) ?? at.line;
      for (const key of path) {
        const next = lineOf(container, key);
        if (next !== undefined) line = next;
        if (container === null || typeof container !== 'object') break;
        container = (container as Record<string | number, unknown>)[key];
      }
      return line;
    },
  };
}

/** A runtime environment given as JSON on one line (`--runtime-env-json '{…}'`). */
export function runtimeEnvFromJson(
  text: string,
  origin: string,
  at: SourceRef,
  clusterId?: string,
): RuntimeEnvFacts | RayProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      code: 'RAY_RUNTIME_ENV_INVALID',
      severity: 'warning',
      message: `${at.file}:${at.line ?? '?'}: ${origin} is not valid JSON (${(error as Error).message}); it was not checked.`,
      file: at.file,
      ...(at.line !== undefined ? { line: at.line } : {}),
    };
  }
  if (!isRecord(parsed)) {
    return {
      code: 'RAY_RUNTIME_ENV_INVALID',
      severity: 'warning',
      message: `${at.file}:${at.line ?? '?'}: ${origin} is not a JSON object; it was not checked.`,
      file: at.file,
      ...(at.line !== undefined ? { line: at.line } : {}),
    };
  }
  return {
    origin,
    ...(clusterId ? { clusterId } : {}),
    value: parsed,
    at,
    lineOf: () => at.line,
  };
}
