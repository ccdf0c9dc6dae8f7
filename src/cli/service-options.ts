import type { Command } from 'commander';
import { RaygateError } from '../shared/errors.ts';
import type { CliContext } from './context.ts';
import type { ServiceRuntime } from './service-runtime.ts';

export interface StoreFlags {
  data?: string;
  databaseUrl?: string;
}

/** `--data` and `--database-url`, shared by every command that opens the store. */
export function addStoreOptions(command: Command): Command {
  return command
    .option('--data <dir>', 'folder of the embedded database (default: $RAYGATE_DATA or ./data)')
    .option(
      '--database-url <url>',
      'a PostgreSQL server instead of the embedded database (default: $DATABASE_URL)',
    );
}

/** Flags as the environment variables they override, for ServiceRuntime.loadConfig. */
export function storeOverrides(flags: StoreFlags): Record<string, string> {
  return {
    ...(flags.data === undefined ? {} : { RAYGATE_DATA: flags.data }),
    ...(flags.databaseUrl === undefined ? {} : { DATABASE_URL: flags.databaseUrl }),
  };
}

export function requireRuntime(context: CliContext): ServiceRuntime {
  if (!context.runtime) {
    throw new RaygateError(
      'SERVICE_UNAVAILABLE',
      'internal',
      'This command needs the service runtime (run it through bin/raygate.js).',
    );
  }
  return context.runtime;
}
