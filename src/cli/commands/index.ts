import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { registerAttest } from './attest.ts';
import { registerAuditCommand } from './audit.ts';
import { registerGate } from './gate.ts';
import { registerOsv } from './osv.ts';
import { registerPins } from './pins.ts';
import { registerDigest } from './digest.ts';
import { registerPolicy } from './policy.ts';
import { registerRay } from './ray.ts';
import { registerSbomCommand } from './sbom.ts';
import { registerScan } from './scan.ts';
import { registerServeCommand } from './serve.ts';
import { registerSign } from './sign.ts';
import { registerTokensCommand } from './tokens.ts';
import { registerVerifyBundle } from './verify-bundle.ts';
import { registerVerify } from './verify.ts';

/** Adds one subcommand to the program and returns it. */
export type RegisterCommand = (program: Command, context: CliContext) => Command;

/** Every subcommand, in the order --help lists them. */
export const COMMANDS: readonly RegisterCommand[] = [
  registerSbomCommand,
  registerScan,
  registerPins,
  registerRay,
  registerOsv,
  registerVerify,
  registerVerifyBundle,
  registerSign,
  registerAttest,
  registerPolicy,
  registerServeCommand,
  registerTokensCommand,
  registerAuditCommand,
  registerGate,
  registerDigest,
];
