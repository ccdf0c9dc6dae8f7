// Run as its own process by pglite-init.ts: creates a PGlite cluster in the folder named by argv[2] and exits.
import { PGlite } from '@electric-sql/pglite';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: pglite-init-process.ts DIR\n');
  process.exit(2);
}
const pglite = await PGlite.create({ dataDir: dir });
await pglite.close();
