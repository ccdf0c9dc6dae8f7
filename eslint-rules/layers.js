// Enforces DESIGN.md's dependency rule: a module under src/ imports only modules of a lower layer
// (or files of its own module), and engine files do I/O only when their name says so.
import path from 'node:path';

const RANKS = {
  shared: 0,
  config: 1,
  oci: 1,
  sbom: 2,
  advisories: 3,
  attest: 3,
  ray: 4,
  policy: 5,
  store: 6,
  gate: 7,
  jobs: 8,
  api: 9,
  cli: 9,
  composition: 10,
  main: 11,
};
const ENGINES = new Set(['shared', 'config', 'sbom', 'advisories', 'attest', 'ray', 'policy']);
const IO_MODULES = new Set([
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'node:dgram',
  'node:tls',
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'child_process',
  'undici',
]);

function moduleOf(file, srcDir) {
  const rel = path.relative(srcDir, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const first = rel.split(path.sep)[0];
  return first.replace(/\.ts$/, '');
}

function mayDoIo(file, srcDir) {
  const rel = path.relative(srcDir, file).split(path.sep).join('/');
  const base = path.basename(file);
  return (
    /-(client|reader|writer)\.ts$/.test(base) ||
    rel.startsWith('sbom/sources/') ||
    !ENGINES.has(moduleOf(file, srcDir) ?? '')
  );
}

export default {
  rules: {
    layers: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const srcDir = path.join(context.cwd, 'src');
        const own = moduleOf(file, srcDir);
        if (own === undefined) return {};
        const ownRank = RANKS[own];
        const check = (node, spec) => {
          if (typeof spec !== 'string') return;
          if (IO_MODULES.has(spec) && !mayDoIo(file, srcDir)) {
            context.report({
              node,
              message: `'${spec}' is I/O: in engine modules only *-client.ts, *-reader.ts, *-writer.ts and sbom/sources/ may use it.`,
            });
          }
          if (!spec.startsWith('.')) return;
          const target = moduleOf(path.resolve(path.dirname(file), spec), srcDir);
          if (target === undefined || target === own) return;
          const targetRank = RANKS[target];
          if (ownRank === undefined || targetRank === undefined) {
            context.report({
              node,
              message: `Module '${target}' or '${own}' has no layer in eslint-rules/layers.js.`,
            });
          } else if (targetRank >= ownRank) {
            context.report({
              node,
              message: `'${own}' (layer ${ownRank}) may not import '${target}' (layer ${targetRank}): imports point to lower layers only.`,
            });
          }
        };
        return {
          ImportDeclaration: (node) => check(node, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
          ExportAllDeclaration: (node) => check(node, node.source.value),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
          'CallExpression[callee.name="fetch"]': (node) => {
            if (!mayDoIo(file, srcDir))
              context.report({
                node,
                message: 'fetch is I/O: only *-client.ts files of engine modules may call it.',
              });
          },
        };
      },
    },
  },
};
