#!/usr/bin/env node
// raygate runs its TypeScript sources directly through Node's type stripping, which needs Node >= 22.22.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 22)) {
  process.stderr.write(`raygate needs Node.js >= 22.22 (this is ${process.versions.node}).\n`);
  process.exit(2);
}
// Node's compile cache keeps the type-stripped, compiled sources between runs (in the OS temp folder, or
// $NODE_COMPILE_CACHE): start-up is most of a small command's time. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
await import('../src/main.ts');
