/**
 * Where a Tidemark package writes its log lines: the server client (with `debug`) and the
 * collector. `console` is one. Each method gets a message and optional structured fields.
 */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
