import { decodeText, looksBinary } from '../../../shared/text.ts';
import { baseName, decodeLockText } from './text.ts';
import type { ProblemLog } from './problems.ts';

export type DeclaredFormat =
  | 'uv-lock'
  | 'poetry-lock'
  | 'pipfile-lock'
  | 'pylock'
  | 'conda-environment'
  | 'conda-explicit'
  | 'pip-report';

/**
 * Recognises a lock or environment file by content, for files the user names explicitly under a name that
 * does not follow the conventions (`deps.lock`, `report.json`). Cheap textual tests on the marks each
 * format always writes: uv's integer top-level `version`, poetry's `[metadata]` `content-hash`, PEP 751's
 * `lock-version` + `created-by`, Pipfile.lock's `_meta.pipfile-spec`, pip's `pip_version`, conda's
 * `@EXPLICIT` line and environment.yml's `dependencies:` key.
 */
export function sniffDeclaredFormat(text: string): DeclaredFormat | undefined {
  const head = text.trimStart();
  if (/^\s*@EXPLICIT\s*$/m.test(text)) return 'conda-explicit';
  if (head.startsWith('{')) {
    if (head.includes('"pipfile-spec"') && head.includes('"_meta"')) return 'pipfile-lock';
    if (head.includes('"pip_version"') && head.includes('"install"')) return 'pip-report';
    return undefined;
  }
  if (/^\[metadata\]\s*$/m.test(text) && /^content-hash\s*=/m.test(text)) return 'poetry-lock';
  if (/^lock-version\s*=/m.test(text) && /^created-by\s*=/m.test(text)) return 'pylock';
  if (/^version\s*=\s*\d+\s*$/m.test(text) && /^\[\[package\]\]/m.test(text)) return 'uv-lock';
  if (/^version\s*=\s*\d+\s*$/m.test(text) && /^requires-python\s*=/m.test(text)) return 'uv-lock';
  if (/^dependencies\s*:/m.test(text)) return 'conda-environment';
  return undefined;
}

/** Which cataloger reports a file of an unrecognised format, by extension, so it is reported once. */
function ownerOfUnknown(path: string): DeclaredFormat | undefined {
  if (/\.lock$/i.test(path)) return 'uv-lock';
  if (/\.toml$/i.test(path)) return 'pylock';
  if (/\.json$/i.test(path)) return 'pip-report';
  if (/\.ya?ml$/i.test(path)) return 'conda-environment';
  if (!baseName(path).includes('.')) return 'conda-explicit';
  return undefined;
}

/**
 * The text of a file this cataloger should parse, or undefined. A file with its format's conventional name
 * is always parsed (and its defects reported). A file the user named under another name is parsed only when
 * its content is this format; otherwise it is left to the cataloger whose format it is, and a file of no
 * known format is reported once, by the cataloger owning its extension.
 */
export function claimDeclaredText(
  bytes: Uint8Array,
  format: DeclaredFormat,
  conventional: boolean,
  log: ProblemLog,
  what: string,
): string | undefined {
  if (conventional) return decodeLockText(bytes, log, what);
  const sniffed = looksBinary(bytes) ? undefined : sniffDeclaredFormat(decodeText(bytes).text);
  if (sniffed === format) return decodeLockText(bytes, log, what);
  if (sniffed === undefined && ownerOfUnknown(log.path) === format) {
    log.error(
      'LOCK_FORMAT_UNKNOWN',
      `${log.path} is not a lock or environment file raygate recognises (uv.lock, poetry.lock, Pipfile.lock, pylock.toml, pip report JSON, conda environment or explicit file).`,
    );
  }
  return undefined;
}
