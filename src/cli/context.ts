import type { ServiceRuntime } from './service-runtime.ts';

/** What every command gets from the CLI core: a way to report its exit code, and where messages go. */
export interface CliContext {
  setExitCode(code: number): void;
  /** True when stderr is a terminal, so progress may be drawn. */
  interactive: boolean;
  /** The service's building blocks, supplied by main.ts; absent when the CLI runs without it (tests). */
  runtime?: ServiceRuntime;
}
