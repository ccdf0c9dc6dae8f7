import { refGlob } from '../attest/identity-policy.ts';

const patterns = new Map<string, RegExp | null>();
const globs = new Map<string, RegExp>();

/**
 * A policy's regular expression, anchored: the whole value must match (unlike cosign's `…-regexp`, a
 * pattern cannot accidentally accept a value that merely contains it). Undefined when it does not compile.
 */
export function compilePattern(pattern: string): RegExp | undefined {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      compiled = null;
    }
    patterns.set(pattern, compiled);
  }
  return compiled ?? undefined;
}

/** A glob over names, refs and paths: `*` within one `/`-separated segment, `**` across segments. */
export function globMatches(glob: string, value: string): boolean {
  let compiled = globs.get(glob);
  if (!compiled) {
    compiled = refGlob(glob);
    globs.set(glob, compiled);
  }
  return compiled.test(value);
}

/** True when `value` matches one of the globs, or when there are none. */
export function anyGlob(globs: readonly string[], value: string | undefined): boolean {
  if (globs.length === 0) return true;
  return value !== undefined && globs.some((g) => globMatches(g, value));
}
