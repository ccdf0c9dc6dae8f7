import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerAuditCommand } from './audit.ts';
import { registerSbomCommand } from './sbom.ts';
import { registerServeCommand } from './serve.ts';
import { registerTokensCommand } from './tokens.ts';

/** Adds one subcommand to the program and returns it. */
export type RegisterCommand = (program: Command, context: CliContext) => Command;

/** Every subcommand, in the order --help lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerSbomCommand,
  registerServeCommand,
  registerTokensCommand,
  registerAuditCommand,
];
