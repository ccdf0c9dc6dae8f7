import { Option } from 'commander';
import { DEFAULT_HOST, DEFAULT_PORT } from '../../shared/service-defaults.ts';
import { say } from '../output.ts';
import { addStoreOptions, requireRuntime, storeOverrides, type StoreFlags } from '../service-options.ts';
import type { RegisterCommand } from './index.ts';

interface ServeOptions extends StoreFlags {
  host?: string;
  port?: string;
  jobs: boolean;
}

const HELP = `
Defaults:
  listens on ${DEFAULT_HOST}:${DEFAULT_PORT} (loopback only: put a TLS proxy in front to serve others)
  stores data in an embedded PostgreSQL (PGlite) under ./data, or $RAYGATE_DATA
  DATABASE_URL=postgres://... uses a PostgreSQL server instead; several replicas may share it

Settings come from flags, then environment variables (RAYGATE_HOST, RAYGATE_PORT, RAYGATE_DATA, DATABASE_URL,
RAYGATE_LOG_LEVEL, RAYGATE_TRUSTED_PROXIES, RAYGATE_BODY_LIMIT, RAYGATE_RATE_LIMIT_PER_IP,
RAYGATE_RATE_LIMIT_PER_TOKEN, RAYGATE_JOBS), then the YAML file named by RAYGATE_CONFIG.

Logs are JSON lines on stdout. SIGTERM or SIGINT stops gracefully: in-flight requests finish, running jobs
get the grace period, then are handed back to the queue.

Examples:
  raygate serve
  raygate serve --host 0.0.0.0 --port 9000 --database-url postgres://raygate@db/raygate`;

/** How long a stopped service waits for lingering sockets and timers to end on their own. */
const LINGER_MS = 1000;

export const registerServeCommand: RegisterCommand = (program, context) =>
  addStoreOptions(
    program
      .command('serve')
      .description('Run the gate service: HTTP API, background jobs and the scheduler.')
      .option('--host <host>', `address to listen on (default: ${DEFAULT_HOST})`)
      .option('--port <port>', `port to listen on; 0 picks a free one (default: ${DEFAULT_PORT})`)
      .addOption(
        new Option('--no-jobs', 'serve the API only; run no job worker or scheduler in this process'),
      ),
  )
    .addHelpText('after', HELP)
    .action(async (options: ServeOptions) => {
      const runtime = requireRuntime(context);
      const config = await runtime.loadConfig({
        ...storeOverrides(options),
        ...(options.host === undefined ? {} : { RAYGATE_HOST: options.host }),
        ...(options.port === undefined ? {} : { RAYGATE_PORT: options.port }),
        ...(options.jobs ? {} : { RAYGATE_JOBS: 'off' }),
      });
      const log = runtime.createLogger(config, 'stdout');
      const store = await runtime.openStore(config, log);
      let service;
      try {
        if ((await store.tokens.count()) === 0) say(bootstrapHint(options));
        service = await runtime.startService(config, store, log);
      } catch (error) {
        await store.close();
        throw error;
      }
      say(`raygate: serving on ${service.url} (${store.description}); SIGTERM or Ctrl-C stops it`);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      log.info('shutting down', { signal });
      try {
        await service.stop();
      } finally {
        await store.close();
      }
      log.info('stopped');
      // A job handed back at shutdown may leave its I/O running (a registry fetch does not hear the job's
      // abort) and keep the process alive until that times out. Its job is back in the queue and the store is
      // closed, so nothing of it can land: exit rather than outlive the orchestrator's grace period.
      setTimeout(() => process.exit(), LINGER_MS).unref();
    });

function bootstrapHint(options: ServeOptions): string {
  const where = [
    options.data === undefined ? '' : ` --data ${options.data}`,
    options.databaseUrl === undefined ? '' : ' --database-url "$DATABASE_URL"',
  ].join('');
  return [
    'raygate: this store has no API tokens yet. Create the first admin token with',
    `  raygate tokens create --role admin --name first-admin${where}`,
    '  (with npm: npm start -- tokens create ...). On the embedded store, run it while the server is stopped:',
    '  the data folder belongs to one process at a time. It prints the token once; keep it somewhere safe.',
  ].join('\n');
}
