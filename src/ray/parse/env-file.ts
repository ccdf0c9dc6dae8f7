import type { EnvSetting } from '../model.ts';

/**
 * Reads an env file (`.env`, `*.env`, systemd `EnvironmentFile`, compose `env_file`): `NAME=value` lines,
 * optional `export ` prefix, single or double quotes, `#` comments. A value holding `$` is marked as an
 * expansion, since some readers (compose) interpolate it and others (docker `--env-file`) do not.
 */
export function parseEnvFile(text: string, file: string): EnvSetting[] {
  const out: EnvSetting[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) return;
    const name = m[1]!;
    let value = m[2]!;
    if (/^"(.*)"$/.test(value)) {
      value = value
        .slice(1, -1)
        .replace(/\\(["\\$])/g, '$1')
        .replace(/\\n/g, '\n');
    } else if (/^'(.*)'$/.test(value)) {
      value = value.slice(1, -1);
      return push(name, value, index + 1, false);
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    push(name, value, index + 1, value.includes('$'));
  });
  return out;

  function push(name: string, value: string, line: number, dynamic: boolean): void {
    out.push({ name, value, source: dynamic ? 'expansion' : 'literal', at: { file, line, field: name } });
  }
}

/** True for a file name env files go by: `.env`, `.env.production`, `ray.env`, `prod.env`. */
export function looksLikeEnvFile(basename: string): boolean {
  return /^\.env(\..+)?$/.test(basename) || /\.env$/.test(basename);
}
