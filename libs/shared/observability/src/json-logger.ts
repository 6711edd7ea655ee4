import type { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = (): number =>
  order[(process.env['QF_LOG_LEVEL'] as Level | undefined) ?? 'info'] ?? 20;

/** A structured logger: one JSON object per line on stderr. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const serialize = (value: unknown): unknown =>
  value instanceof Error
    ? { name: value.name, message: value.message, stack: value.stack, ...(value as object) }
    : value;

/** Creates a logger whose lines carry the service name (and component, when given). */
export const createLogger = (service: string, component?: string): Logger => {
  const write = (level: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < threshold()) return;
    const entry: Record<string, unknown> = {
      level,
      time: new Date().toISOString(),
      service,
      ...(component ? { component } : {}),
      msg,
    };
    for (const [key, value] of Object.entries(fields)) entry[key] = serialize(value);
    process.stderr.write(`${JSON.stringify(entry)}\n`);
  };
  return {
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
};

/** Nest's logger interface over the JSON logger, for `app.useLogger(...)`. */
export class JsonNestLogger implements LoggerService {
  private readonly logger: Logger;
  constructor(service: string) {
    this.logger = createLogger(service);
  }
  log(message: unknown, context?: string) {
    this.logger.info(String(message), context ? { context } : {});
  }
  warn(message: unknown, context?: string) {
    this.logger.warn(String(message), context ? { context } : {});
  }
  error(message: unknown, stack?: string, context?: string) {
    this.logger.error(String(message), {
      ...(stack ? { stack } : {}),
      ...(context ? { context } : {}),
    });
  }
  debug(message: unknown, context?: string) {
    this.logger.debug(String(message), context ? { context } : {});
  }
  verbose(message: unknown, context?: string) {
    this.logger.debug(String(message), context ? { context } : {});
  }
}
