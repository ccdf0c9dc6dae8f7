/**
 * Structured logs: one JSON object per line, so a log shipper needs no parser. The writer is injected (the
 * service passes stdout), which keeps this module free of I/O and lets tests capture lines.
 */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line it writes. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createJsonLogger(
  write: (line: string) => void,
  level: LogLevel,
  now: () => Date = () => new Date(),
  base: LogFields = {},
): Logger {
  const emit = (lineLevel: LogLevel, message: string, fields?: LogFields) => {
    if (RANK[lineLevel] < RANK[level]) return;
    const record = { time: now().toISOString(), level: lineLevel, msg: message, ...base, ...fields };
    write(`${JSON.stringify(record, replaceErrors)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createJsonLogger(write, level, now, { ...base, ...fields }),
  };
}

/** A logger that drops everything (for tests and library use). */
export const SILENT_LOGGER: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => SILENT_LOGGER,
};

// Errors serialize to {} by default; logs want the message and code (never the stack: logs may be shipped
// to places the source is not, and the request id ties a line to its cause).
function replaceErrors(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
