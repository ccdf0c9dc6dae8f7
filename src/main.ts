import { runCli } from './cli/main.ts';
import type { ServiceRuntime } from './cli/service-runtime.ts';
import { createJsonLogger } from './shared/log.ts';

// Entry point. The CLI builds what each command needs on demand; the service's composition (database,
// API, jobs) is loaded only when a service command asks for it, so every other command starts fast.
// A reader that stops early (`raygate … --help | head`) closes the pipe: that is not an error of raygate's.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

const composition = () => import('./composition.ts').then((m) => m.runtime);

const runtime: ServiceRuntime = {
  loadConfig: async (overrides) => (await composition()).loadConfig(overrides),
  createLogger: (config, stream) => {
    const out = stream === 'stdout' ? process.stdout : process.stderr;
    return createJsonLogger((line) => out.write(line), config.log.level);
  },
  openStore: async (config, log) => (await composition()).openStore(config, log),
  startService: async (config, store, log) => (await composition()).startService(config, store, log),
};

process.exitCode = await runCli(process.argv, runtime);
