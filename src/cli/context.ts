/** What every command gets from the CLI core: a way to report its exit code, and where messages go. */
export interface CliContext {
  setExitCode(code: number): void;
  /** True when stderr is a terminal, so progress may be drawn. */
  interactive: boolean;
}
