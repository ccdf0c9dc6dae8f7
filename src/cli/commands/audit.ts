import { Option } from 'commander';
import { RaygateError } from '../../shared/errors.ts';
import { verifyAuditLog, type AuditAnchor } from '../../store/audit-log.ts';
import { EXIT } from '../exit-codes.ts';
import { say } from '../output.ts';
import { addStoreOptions, requireRuntime, storeOverrides, type StoreFlags } from '../service-options.ts';
import type { RegisterCommand } from './index.ts';

interface VerifyOptions extends StoreFlags {
  anchor?: string;
  format: 'text' | 'json';
}

const HELP = `
Checks every entry's hash and its link to the previous entry, the gap-free sequence, and the chain head,
so an edited, deleted, inserted or reordered entry is found and named. Exit code 1 when the log does not
verify. Keep the printed head (SEQ:HASH) somewhere else and pass it back with --anchor later: that also
catches a log rewritten from scratch.`;

export const registerAuditCommand: RegisterCommand = (program, context) => {
  const audit = program.command('audit').description('Check the hash-chained audit log.');
  addStoreOptions(
    audit
      .command('verify')
      .description('Verify the audit log and name the first entry that does not verify.')
      .option('--anchor <seq:hash>', 'an entry hash recorded earlier, which must still be in the log')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'),
      ),
  )
    .addHelpText('after', HELP)
    .action(async (options: VerifyOptions) => {
      const anchor = options.anchor === undefined ? undefined : parseAnchor(options.anchor);
      const runtime = requireRuntime(context);
      const config = await runtime.loadConfig(storeOverrides(options));
      const store = await runtime.openStore(config, runtime.createLogger(config, 'stderr'));
      try {
        const result = await verifyAuditLog(store.db, anchor);
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        } else if (result.ok) {
          process.stdout.write(
            `ok: ${result.verified} entries verify; head ${result.head.seq}:${result.head.hash}\n`,
          );
        } else {
          process.stdout.write(
            `FAILED at entry ${result.problem?.seq}: ${result.problem?.code}: ${result.problem?.message}\n`,
          );
          say(`raygate: ${result.verified} entries verified before the first problem.`);
        }
        if (!result.ok) context.setExitCode(EXIT.findings);
      } finally {
        await store.close();
      }
    });
  return audit;
};

function parseAnchor(text: string): AuditAnchor {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text);
  if (!match)
    throw new RaygateError(
      'ANCHOR_INVALID',
      'usage',
      '--anchor must be SEQ:HASH as printed by audit verify.',
    );
  return { seq: Number(match[1]), hash: match[2]! };
}
