import { describe, expect, it } from 'vitest';
import { createCniConfig } from '../chain/cni-config.ts';
import { createCniDriver } from '../pod/create-cni-driver.ts';
import { MAX_TIMER_MS } from './options.ts';

describe('time limits a Node timer can keep', () => {
  it('accepts the longest delay a timer keeps', () => {
    expect(() => createCniConfig({ pluginDirs: ['/usr/lib/cni'], cacheDir: '/tmp/multinet-options-test', timeoutMs: MAX_TIMER_MS, killGraceMs: MAX_TIMER_MS })).not.toThrow();
  });

  it.each([
    ['timeoutMs', { timeoutMs: MAX_TIMER_MS + 1 }],
    ['killGraceMs', { killGraceMs: 2 ** 32 }],
  ])('refuses %s past 2^31-1 ms, which a timer would fire at once', (option, patch) => {
    expect(() => createCniConfig({ pluginDirs: ['/usr/lib/cni'], cacheDir: '/tmp/multinet-options-test', ...patch })).toThrow(new TypeError(`Expected \`${option}\` to be at most ${MAX_TIMER_MS} ms (a longer timer fires at once), got \`${JSON.stringify(Object.values(patch)[0])}\``));
  });

  it('refuses a driver plugin timeout past it, and a grace past it, before anything starts', () => {
    expect(() => createCniDriver({ stateDir: '/tmp/multinet-options-test', pluginTimeoutMs: 30 * 24 * 3600 * 1000 })).toThrow(/`pluginTimeoutMs` to be at most 2147483647 ms/);
    expect(() => createCniDriver({ stateDir: '/tmp/multinet-options-test', killGraceMs: MAX_TIMER_MS + 1 })).toThrow(/`killGraceMs` to be at most/);
  });

  it('still refuses zero, negative and non-numbers as before', () => {
    expect(() => createCniConfig({ pluginDirs: ['/usr/lib/cni'], cacheDir: '/tmp/multinet-options-test', timeoutMs: 0 })).toThrow(/`timeoutMs` to be a positive number/);
    expect(() => createCniConfig({ pluginDirs: ['/usr/lib/cni'], cacheDir: '/tmp/multinet-options-test', killGraceMs: Number.NaN })).toThrow(/`killGraceMs` to be a positive number/);
  });
});
