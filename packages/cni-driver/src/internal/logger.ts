/**
 * The logger the library accepts: the subset of pino's interface it uses. The default is
 * silent; the library never prints.
 *
 * Any pino-compatible logger works as is (pino, its children, bunyan-style loggers with `child`).
 * A logger without `child` (such as `console`, or a `new Console(stream)`) is wrapped by
 * {@link wrapLogger}: child bindings are then merged into each call's object.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

type LogMethod = (obj: object, msg?: string) => void;

/**
 * What {@link wrapLogger} accepts: any object with some of pino's level methods (`debug`, `info`,
 * `warn`, `error`; `trace`/`fatal` are not used) and optionally `child`, `console` included.
 * A missing level falls back to `log` when there is one, else is dropped.
 */
export interface LoggerLike {
  debug?: ((...args: never[]) => void) | undefined;
  info?: ((...args: never[]) => void) | undefined;
  warn?: ((...args: never[]) => void) | undefined;
  error?: ((...args: never[]) => void) | undefined;
  log?: ((...args: never[]) => void) | undefined;
  child?: ((bindings: Record<string, unknown>) => unknown) | undefined;
}

const noop = (): void => undefined;

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => SILENT_LOGGER,
};

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

function hasEveryMethod(logger: LoggerLike): logger is LoggerLike & Logger {
  return typeof logger.child === 'function' && LEVELS.every((level) => typeof logger[level] === 'function');
}

function wrapWithBindings(target: LoggerLike, bindings: Readonly<Record<string, unknown>>): Logger {
  const method = (level: (typeof LEVELS)[number]): LogMethod => {
    const fn = (target[level] ?? target.log) as ((...args: unknown[]) => void) | undefined;
    if (typeof fn !== 'function') return noop;
    return (obj, msg) => {
      const merged = Object.keys(bindings).length === 0 ? obj : { ...bindings, ...obj };
      if (msg === undefined) fn.call(target, merged);
      else fn.call(target, merged, msg);
    };
  };
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (more) => wrapWithBindings(target, { ...bindings, ...more }),
  };
}

/**
 * Makes any logger usable by the library: returns a pino-compatible logger as is, and wraps one
 * without `child` (e.g. `console`) so that `child(bindings)` works and the bindings are merged into
 * each call's object. `undefined` gives the silent logger.
 *
 * @example
 * ```ts
 * import { createCniDriver, wrapLogger } from '@multinet/cni-driver';
 * const driver = createCniDriver({ stateDir: '/var/lib/multinet', logger: wrapLogger(console) });
 * ```
 */
export function wrapLogger(logger: LoggerLike | Logger | undefined): Logger {
  if (logger === undefined) return SILENT_LOGGER;
  if (hasEveryMethod(logger)) return logger;
  return wrapWithBindings(logger, {});
}
