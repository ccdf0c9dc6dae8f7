import { runCli } from './cli/main.ts';
import type { ServiceRuntime } from './cli/service-runtime.ts';
import { createJsonLogger } from './shared/log.ts';

// Entry point. The CLI builds what each command needs on demand; the service's composition (database,
// API, jobs) is loaded only when a service command asks for it, so every other command starts fast.
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
