/**
 * The CLI's logger: pino to stderr, pretty on a terminal, JSON lines otherwise.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

/** Creates the CLI logger at `level` (env `MULTINET_LOG_LEVEL` wins). */
export function createCliLogger(level = 'info'): PinoLogger {
  const chosen = process.env['MULTINET_LOG_LEVEL'] ?? level;
  if (process.stderr.isTTY) {
    return pino({ level: chosen }, pretty({ destination: 2, colorize: true, sync: true, ignore: 'pid,hostname' }));
  }
  return pino({ level: chosen }, pino.destination({ fd: 2, sync: true }));
}
