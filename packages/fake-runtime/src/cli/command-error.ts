/**
 * How a command reports a failure: one line naming the command, the error code when there is
 * one, and the message; the stack (and causes) only with `--debug`.
 */

/** Formats `error` for stderr, ending in a newline. Pure. */
export function formatCommandError(prefix: string, error: unknown, debug: boolean): string {
  if (debug && error instanceof Error && error.stack) {
    const causes: string[] = [];
    for (let cause = error.cause; cause instanceof Error; cause = cause.cause) causes.push(`caused by: ${cause.stack ?? cause.message}`);
    return `${prefix}: ${error.stack}\n${causes.map((c) => `${c}\n`).join('')}`;
  }
  const code = typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof AggregateError
    ? [error.message, ...error.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e)))].join('; ')
    : error instanceof Error
      ? error.message
      : String(error);
  const line = `${code && !message.startsWith(code) ? `${code}: ` : ''}${message}`.replace(/\s*\n\s*/g, ' ');
  return `${prefix}: ${line}${debug ? '' : ' (run with --debug for details)'}\n`;
}
