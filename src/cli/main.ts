import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { describeError, isRaygateError } from '../shared/errors.ts';
import type { CliContext } from './context.ts';
import { EXIT, EXIT_CODES_HELP, exitCodeFor } from './exit-codes.ts';
import { say } from './output.ts';
import type { ServiceRuntime } from './service-runtime.ts';
import { COMMANDS } from './commands/index.ts';

export function buildProgram(context: CliContext): Command {
  const program = new Command('raygate')
    .description(
      'Supply-chain gate for Ray images and Python wheels: SBOMs, pin checks, advisories, signatures, releases.',
    )
    .version(packageJson.version, '-V, --version')
    // Options after a command name belong to it: 'gate submit --version 1.2' is the release's version.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  for (const register of COMMANDS) {
    const command = register(program, context);
    command
      .addHelpText('after', EXIT_CODES_HELP)
      .exitOverride()
      .showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/** Runs raygate with `argv` (as process.argv) and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], runtime?: ServiceRuntime): Promise<number> {
  let exitCode: number = EXIT.ok;
  const context: CliContext = {
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
    interactive: Boolean(process.stderr.isTTY),
    ...(runtime ? { runtime } : {}),
  };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      return EXIT.input;
    }
    if (isRaygateError(error)) {
      say(`raygate: ${error.code}: ${error.message}`);
      return exitCodeFor(error.kind);
    }
    say(`raygate: internal error: ${describeError(error)}`);
    if (process.env.RAYGATE_DEBUG) say(String((error as Error).stack));
    return EXIT.internal;
  }
}

/** `--format` with its allowed values listed in --help and checked by commander. */
export function formatOption(choices: readonly string[], defaultValue: string): Option {
  return new Option('-f, --format <format>', 'output format').choices([...choices]).default(defaultValue);
}
