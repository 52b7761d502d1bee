import { describe, expect, it } from 'vitest';
import { parsePluginOutcome } from './plugin-outcome.ts';
import type { PluginExecOutcome } from './plugin-executor.ts';

const context = { plugin: 'bridge', command: 'ADD', network: 'pod-net', ifName: 'eth0' };
const outcome = (patch: Partial<PluginExecOutcome>): PluginExecOutcome => ({
  exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false, ...patch,
});
const errorOf = (patch: Partial<PluginExecOutcome>): any => {
  try {
    parsePluginOutcome(context, outcome(patch));
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
};

describe('parsePluginOutcome', () => {
  it('returns the parsed stdout on exit 0', () => {
    expect(parsePluginOutcome(context, outcome({ stdout: '{"cniVersion":"1.0.0"}' }))).toEqual({ cniVersion: '1.0.0' });
  });

  it('returns undefined for empty or null output on success', () => {
    expect(parsePluginOutcome(context, outcome({ stdout: ' \n' }))).toBeUndefined();
    expect(parsePluginOutcome(context, outcome({ stdout: 'null' }))).toBeUndefined();
  });

  it('refuses garbage on success with PLUGIN_OUTPUT_INVALID naming the plugin', () => {
    expect(errorOf({ stdout: 'hello, world' })).toMatchObject({ code: 'PLUGIN_OUTPUT_INVALID', message: expect.stringContaining('type="bridge"') });
  });

  it('fails an error JSON printed with exit 0 as the plugin reported it', () => {
    expect(errorOf({ stdout: '{"cniVersion":"1.0.0","code":11,"msg":"busy"}' })).toMatchObject({ code: 'TRY_AGAIN_LATER', details: { pluginCode: 11, pluginMsg: 'busy', exitCode: 0 } });
    expect(errorOf({ stdout: '{"code":120,"msg":"own code"}' })).toMatchObject({ code: 'PLUGIN_FAILED', details: { pluginCode: 120 } });
  });

  it('takes a result or a VERSION answer that happens to carry code and msg as what it is', () => {
    expect(parsePluginOutcome(context, outcome({ stdout: '{"cniVersion":"1.0.0","code":7,"msg":"x","ips":[]}' }))).toMatchObject({ ips: [] });
    expect(parsePluginOutcome(context, outcome({ stdout: '{"cniVersion":"1.0.0","code":0,"msg":"ok"}' }))).toMatchObject({ code: 0 });
    expect(parsePluginOutcome(context, outcome({ stdout: '{"cniVersion":"1.0.0","supportedVersions":["1.0.0"],"code":1,"msg":"x"}' }))).toMatchObject({ supportedVersions: ['1.0.0'] });
  });

  it.each([
    [1, 'VERSION_INCOMPATIBLE'],
    [3, 'UNKNOWN_CONTAINER'],
    [7, 'INVALID_NETWORK_CONFIG'],
    [11, 'TRY_AGAIN_LATER'],
    [50, 'NOT_AVAILABLE'],
    [999, 'PLUGIN_INTERNAL'],
    [123, 'PLUGIN_FAILED'],
  ])('maps plugin code %i to %s and keeps the plugin code', (code, expected) => {
    const error = errorOf({ exitCode: 1, stdout: JSON.stringify({ code, msg: 'IP pool exhausted', details: 'more' }) });
    expect(error.code).toBe(expected);
    expect(error.details).toMatchObject({ pluginCode: code, pluginMsg: 'IP pool exhausted', pluginDetails: 'more', exitCode: 1, plugin: 'bridge', network: 'pod-net' });
    expect(error.message).toBe(`plugin type="bridge" network="pod-net" failed on ADD (exit 1, code ${code}): "IP pool exhausted; more"`);
  });

  it('falls back to stderr when stdout is empty', () => {
    expect(errorOf({ exitCode: 2, stderr: 'boom' })).toMatchObject({ code: 'PLUGIN_FAILED', message: expect.stringContaining('netplugin failed: "boom"'), details: { exitCode: 2, stderr: 'boom' } });
  });

  it('says so when a failing plugin printed nothing at all', () => {
    expect(errorOf({ exitCode: 1 }).message).toContain('netplugin failed with no error message');
  });

  it('says the diagnostic could not be parsed when a failing plugin prints garbage', () => {
    expect(errorOf({ exitCode: 1, stdout: 'garbage' }).message).toContain('error parsing its diagnostic message');
  });

  it('has a code of its own for a timeout, an abort, too much output and a failed spawn', () => {
    expect(errorOf({ exitCode: null, signal: 'SIGTERM', timedOut: true }).code).toBe('PLUGIN_TIMEOUT');
    expect(errorOf({ exitCode: null, aborted: true }).code).toBe('OPERATION_ABORTED');
    expect(errorOf({ exitCode: null, outputTooLarge: true }).code).toBe('PLUGIN_OUTPUT_TOO_LARGE');
    expect(errorOf({ exitCode: null, spawnError: { code: 'EACCES', message: 'permission denied' } }).code).toBe('PLUGIN_SPAWN_FAILED');
  });
});
