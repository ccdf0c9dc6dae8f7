import { homedir } from 'node:os';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { defaultMirrorDir } from '../advisories/mirror-layout.ts';
import { RaygateError } from '../shared/errors.ts';

/** `--osv-db DIR`: where the local OSV mirror lives (also `RAYGATE_OSV_DB`; default the XDG cache folder). */
export function addMirrorOption(command: Command): Command {
  return command.addOption(
    new Option(
      '--osv-db <dir>',
      'folder of the local OSV mirror (default: $RAYGATE_OSV_DB, else $XDG_CACHE_HOME/raygate/osv)',
    ),
  );
}

export function mirrorDir(option: string | undefined): string {
  const chosen = option ?? process.env.RAYGATE_OSV_DB;
  return path.resolve(chosen && chosen !== '' ? chosen : defaultMirrorDir(process.env, homedir()));
}

export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new RaygateError('OPTION_INVALID', 'usage', `${name} must be a positive whole number.`);
    return n;
  };
}

export function seconds(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new RaygateError('OPTION_INVALID', 'usage', `${name} must be a number of seconds above 0.`);
    return Math.round(n * 1000);
  };
}

/** A base URL option, checked to be http(s) and turned into the host allow-list entry. */
export function baseUrl(name: string): (value: string) => string {
  return (value) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new RaygateError('OPTION_INVALID', 'usage', `${name} must be a URL, not '${value}'.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RaygateError('OPTION_INVALID', 'usage', `${name} must be an http(s) URL.`);
    }
    return url.href.replace(/\/+$/, '');
  };
}
