/**
 * The real-plugin tier: Debian's CNI plugins in real network namespaces, as root.
 *
 * With `CI=true` a missing prerequisite fails the run. Elsewhere the tier skips, and says so
 * loudly, once per test file.
 */
import { accessSync, constants } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Where Debian's `containernetworking-plugins` installs the plugins. */
export const REAL_PLUGIN_DIR = '/usr/lib/cni';

function findMissing(): string[] {
  const missing: string[] = [];
  if (typeof process.getuid === 'function' && process.getuid() !== 0) missing.push('root');
  for (const plugin of ['bridge', 'host-local', 'ptp', 'macvlan', 'portmap', 'tuning', 'loopback']) {
    try {
      accessSync(`${REAL_PLUGIN_DIR}/${plugin}`, constants.X_OK);
    } catch {
      missing.push(`${REAL_PLUGIN_DIR}/${plugin} (apt-get install containernetworking-plugins)`);
    }
  }
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
  } catch {
    missing.push('ip (apt-get install iproute2)');
  }
  return missing;
}

let cached: string[] | undefined;

/**
 * True when the real-plugin tier can run. In CI a missing part throws; elsewhere it writes one
 * loud line to stderr (not the console, which tests must not use) and returns false.
 */
export function hasRealParts(): boolean {
  cached ??= findMissing();
  if (cached.length === 0) return true;
  const line = `REAL-PLUGIN TIER SKIPPED: missing ${cached.join(', ')}`;
  if (process.env['CI'] === 'true') throw new Error(`CI=true but ${line}`);
  process.stderr.write(`\n!!! ${line}\n`);
  return false;
}
