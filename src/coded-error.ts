/**
 * An error that says what went wrong as a code callers can switch on (and
 * tests can match), with the message for people. Subclasses name
 * themselves with a literal `name` field: a bundler renames classes, so
 * `constructor.name` would not survive a production build.
 */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
