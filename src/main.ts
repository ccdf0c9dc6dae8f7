import { runCli } from './cli/main.ts';

// Composition root. The CLI builds what each command needs on demand (a scan needs no database), so
// for now this only starts it; the server and job runner will be chosen here too.
const code = await runCli(process.argv);
process.exitCode = code;
