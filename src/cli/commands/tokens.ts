import { userInfo } from 'node:os';
import { Option } from 'commander';
import { parseDuration } from '../../shared/duration.ts';
import { RaygateError } from '../../shared/errors.ts';
import { ROLES, type ApiTokenRecord, type Role } from '../../store/api-tokens.ts';
import { say } from '../output.ts';
import { addStoreOptions, requireRuntime, storeOverrides, type StoreFlags } from '../service-options.ts';
import { renderTable } from '../table.ts';
import type { CliContext } from '../context.ts';
import type { ServiceStore } from '../service-runtime.ts';
import type { RegisterCommand } from './index.ts';

interface CreateOptions extends StoreFlags {
  role: Role;
  name: string;
  project?: string[];
  approvalRole?: string[];
  expires: string;
  format: 'text' | 'json';
}

interface ListOptions extends StoreFlags {
  format: 'table' | 'json';
}

/** Who did it, for the audit log: the operating-system user running the command. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return `cli:uid-${process.getuid?.() ?? 'unknown'}`;
  }
}

export const registerTokensCommand: RegisterCommand = (program, context) => {
  const tokens = program
    .command('tokens')
    .description('Create, list and revoke API tokens, directly in the store (bootstrap and recovery).');

  addStoreOptions(
    tokens
      .command('create')
      .description('Create an API token and print its secret once (stdout).')
      .addOption(
        new Option('--role <role>', 'what the token may do').choices([...ROLES]).makeOptionMandatory(),
      )
      .option('--name <name>', 'a label to tell tokens apart', 'cli')
      .option('--project <project...>', 'limit the token to these projects (default: every project)')
      .option(
        '--approval-role <role...>',
        "approval roles of the holder (e.g. security), counted by policies' approvals rules",
      )
      .option('--expires <duration>', 'lifetime: 12h, 30d, 2w, or never', '90d')
      .addOption(
        new Option('-f, --format <format>', 'text: the token alone; json: the token and its record')
          .choices(['text', 'json'])
          .default('text'),
      ),
  ).action(async (options: CreateOptions) => {
    const expiresAt = expiryFrom(options.expires);
    await withStore(context, options, async (store) => {
      const issued = await store.tokens.create({
        name: options.name,
        role: options.role,
        projects: options.project ?? [],
        approvalRoles: options.approvalRole ?? [],
        expiresAt,
        actor: cliActor(),
      });
      say(
        `raygate: created ${issued.record.role} token ${issued.record.id} for ${describeProjects(issued.record.projects)}, ` +
          `${expiresAt ? `expiring ${expiresAt.toISOString()}` : 'never expiring'}. It is shown only now.`,
      );
      process.stdout.write(
        options.format === 'json'
          ? `${JSON.stringify({ token: issued.token, ...toJson(issued.record) }, null, 2)}\n`
          : `${issued.token}\n`,
      );
    });
  });

  addStoreOptions(
    tokens
      .command('list')
      .description('List API tokens (never their secrets).')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  ).action(async (options: ListOptions) =>
    withStore(context, options, async (store) => {
      const all = await store.tokens.list();
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify({ tokens: all.map(toJson) }, null, 2)}\n`);
        return;
      }
      const now = Date.now();
      process.stdout.write(
        renderTable(
          ['ID', 'NAME', 'ROLE', 'PROJECTS', 'STATE', 'EXPIRES', 'LAST USED'],
          all.map((t) => [
            t.id,
            t.name,
            t.role,
            describeProjects(t.projects),
            t.revokedAt ? 'revoked' : t.expiresAt && t.expiresAt.getTime() <= now ? 'expired' : 'active',
            t.expiresAt?.toISOString() ?? 'never',
            t.lastUsedAt?.toISOString() ?? '-',
          ]),
        ),
      );
    }),
  );

  addStoreOptions(
    tokens.command('revoke').description('Revoke an API token at once.').argument('<id>', 'token id (tok_…)'),
  ).action(async (id: string, options: StoreFlags) =>
    withStore(context, options, async (store) => {
      const revoked = await store.tokens.revoke(id, cliActor());
      say(`raygate: revoked token ${revoked.id} (${revoked.name}).`);
    }),
  );
  return tokens;
};

async function withStore(
  context: CliContext,
  flags: StoreFlags,
  work: (store: ServiceStore) => Promise<void>,
): Promise<void> {
  const runtime = requireRuntime(context);
  const config = await runtime.loadConfig(storeOverrides(flags));
  const store = await runtime.openStore(config, runtime.createLogger(config, 'stderr'));
  try {
    await work(store);
  } finally {
    await store.close();
  }
}

function expiryFrom(text: string): Date | null {
  if (text === 'never') return null;
  const ms = parseDuration(text);
  if (ms === undefined)
    throw new RaygateError(
      'TOKEN_EXPIRY_INVALID',
      'usage',
      `--expires '${text}' is not a duration such as 12h, 30d, 2w or never.`,
    );
  return new Date(Date.now() + ms);
}

function describeProjects(projects: readonly string[] | null): string {
  return projects === null ? 'every project' : projects.join(', ');
}

function toJson(t: ApiTokenRecord) {
  return {
    id: t.id,
    name: t.name,
    hint: t.tokenHint,
    role: t.role,
    projects: t.projects,
    approvalRoles: t.approvalRoles,
    createdBy: t.createdBy,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    revokedBy: t.revokedBy,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  };
}
