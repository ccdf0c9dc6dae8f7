import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Parses a Dockerfile into instructions (comments and the `# syntax` directive dropped). */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (pending && line.trimStart().startsWith('#')) return;
    const piece = line.endsWith('\\') ? line.slice(0, -1) : line;
    pending = pending
      ? { ...pending, text: `${pending.text} ${piece.trim()}` }
      : { text: piece, line: index + 1 };
    if (!line.endsWith('\\')) {
      const match = /^\s*(\S+)\s*(.*)$/.exec(pending.text)!;
      instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim(), line: pending.line });
      pending = undefined;
    }
  });
  return instructions;
}

/** `ENV A=1 B=2` (or the legacy `ENV A 1`) as pairs. */
export function envPairs(args: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  if (!args.includes('=')) {
    const [name, ...rest] = args.split(/\s+/);
    pairs[name!] = rest.join(' ');
    return pairs;
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const value = match[2]!;
    pairs[match[1]!] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return pairs;
}

/** An exec-form instruction argument (`["node", "-e", "…"]`). */
export function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed as string[];
}

/**
 * Whether `.dockerignore` keeps `relPath` in the build context: patterns in order, the last match wins, `!`
 * re-includes. Patterns are Go filepath.Match globs over the path; a pattern matching a folder covers
 * everything under it.
 */
export function keptByDockerignore(ignore: string, relPath: string): boolean {
  let kept = true;
  for (const raw of ignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const parts = relPath.split('/');
    const matches = parts.some((_, i) => globMatch(pattern, parts.slice(0, i + 1).join('/')));
    if (matches) kept = negate;
  }
  return kept;
}

function globMatch(pattern: string, text: string): boolean {
  const regex = pattern
    .split('**')
    .map((part) =>
      part
        .split('')
        .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join(''),
    )
    .join('.*');
  return new RegExp(`^${regex}$`).test(text);
}

/**
 * Compose's variable interpolation for the forms the file uses: `${VAR}`, `${VAR:-default}`,
 * `${VAR:?message}` (throws when unset), `$$` for a literal dollar.
 */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name, op, arg) => {
    if (whole === '$$') return '$';
    const value = env[name as string];
    const empty = value === undefined || (op?.startsWith(':') && value === '');
    if (!empty) return value!;
    if (op?.endsWith('-')) return arg as string;
    if (op?.endsWith('?')) throw new Error(`${String(name)}: ${String(arg)}`);
    return '';
  });
}

/** Every `.ts` file under `dir`. */
export async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Environment variable names raygate's sources read (`env.NAME`, `env['NAME']`, `value('NAME')`). */
export async function envNamesRead(srcDir: string): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of await sourceFiles(srcDir)) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(
      /\benv\.([A-Z][A-Z0-9_]*)|\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]|\bvalue\('([A-Z][A-Z0-9_]*)'\)/g,
    )) {
      names.add((m[1] ?? m[2] ?? m[3])!);
    }
  }
  return names;
}
