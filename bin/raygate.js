#!/usr/bin/env node
// raygate runs its TypeScript sources directly through Node's type stripping, which needs Node >= 22.22.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(`raygate needs Node.js >= 22.22 (this is ${process.versions.node}).\n`);
  process.exit(2);
}
// Cache compiled (and type-stripped) modules across runs: it halves start-up, which a CI step pays every call.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../src/main.ts');
