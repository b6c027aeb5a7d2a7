/**
 * An error with a stable, machine-readable `code` and the error behind it as `cause`: the
 * shape of every Tidemark error class (the client's `TidemarkError`, the collector's
 * `CollectorError`), written once. Branch on `code`, never on the message.
 */
export class CodedError<Code extends string> extends Error {
  /** Stable, machine-readable code. */
  readonly code: Code;

  /**
   * @param name - the subclass's name, for logs and `String(err)`
   * @param code - stable code of the failure
   * @param message - what went wrong and how to fix it
   * @param cause - the error behind it, if any
   */
  constructor(name: string, code: Code, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = name;
    this.code = code;
  }
}
