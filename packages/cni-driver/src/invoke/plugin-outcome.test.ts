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

describe('parsePluginOutcome messages and details', () => {
  it('names the network only when the caller gave one', () => {
    let error: any;
    try {
      parsePluginOutcome({ plugin: 'bridge', command: 'DEL' }, outcome({ exitCode: 1, stderr: 'boom' }));
    } catch (e) {
      error = e;
    }
    expect(error.message).toBe('plugin type="bridge" failed on DEL (exit 1): netplugin failed: "boom"');
  });

  it('carries who was called, the exit code, the signal and stderr in the details, and leaves out what is unknown', () => {
    expect(errorOf({ exitCode: 2, stderr: 'boom' }).details).toEqual({
      plugin: 'bridge', network: 'pod-net', ifName: 'eth0', containerId: undefined, command: 'ADD', exitCode: 2, signal: undefined, stderr: 'boom',
    });
    const killed = errorOf({ exitCode: null, signal: 'SIGKILL', stdout: '' });
    expect(killed.details).toMatchObject({ exitCode: undefined, signal: 'SIGKILL', stderr: undefined });
  });

  it('keeps at most 4096 characters of stderr in the details', () => {
    const stderr = 'e'.repeat(5000);
    expect(errorOf({ exitCode: 1, stderr }).details.stderr).toBe('e'.repeat(4096));
  });

  it('names the signal that ended a failing plugin, or says it is unknown', () => {
    expect(errorOf({ exitCode: null, signal: 'SIGSEGV', stderr: 'core' }).message).toBe('plugin type="bridge" network="pod-net" failed on ADD (signal SIGSEGV): netplugin failed: "core"');
    expect(errorOf({ exitCode: null, signal: null }).message).toBe('plugin type="bridge" network="pod-net" failed on ADD (signal unknown): netplugin failed with no error message');
  });

  it('treats whitespace-only stderr as no error message, and quotes stderr trimmed', () => {
    expect(errorOf({ exitCode: 1, stderr: ' \n\t' }).message).toBe('plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed with no error message');
    expect(errorOf({ exitCode: 1, stderr: '  boom \n' }).message).toBe('plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed: "boom"');
  });

  it('quotes up to 200 characters of a diagnostic and marks a longer one as cut', () => {
    expect(errorOf({ exitCode: 1, stderr: 'a'.repeat(200) }).message).toBe(`plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed: "${'a'.repeat(200)}"`);
    expect(errorOf({ exitCode: 1, stderr: `${'a'.repeat(200)}b` }).message).toBe(`plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed: "${'a'.repeat(200)}…"`);
  });

  it('quotes the output that is not JSON in the PLUGIN_OUTPUT_INVALID message, with the command', () => {
    expect(errorOf({ stdout: ' hello ' }).message).toBe('plugin type="bridge" answered ADD with output that is not JSON: "hello"');
  });

  it('says why a plugin could not be started', () => {
    expect(errorOf({ exitCode: null, spawnError: { code: 'ENOENT', message: 'no such file' } }).message).toBe(
      'plugin type="bridge" network="pod-net" failed on ADD: cannot start it (ENOENT: no such file)',
    );
  });

  it('reports a spawn failure before a timeout, a timeout before an abort, and an abort before too much output', () => {
    expect(errorOf({ exitCode: null, spawnError: { code: 'EACCES', message: 'x' }, timedOut: true, aborted: true, outputTooLarge: true }).code).toBe('PLUGIN_SPAWN_FAILED');
    expect(errorOf({ exitCode: null, timedOut: true, aborted: true, outputTooLarge: true }).code).toBe('PLUGIN_TIMEOUT');
    expect(errorOf({ exitCode: null, aborted: true, outputTooLarge: true }).code).toBe('OPERATION_ABORTED');
  });

  it('fails a timed-out, aborted or too-talkative plugin even when it exited 0 with a result', () => {
    const result = '{"cniVersion":"1.0.0"}';
    expect(errorOf({ stdout: result, timedOut: true })).toMatchObject({ code: 'PLUGIN_TIMEOUT', message: 'plugin type="bridge" network="pod-net" failed on ADD: timed out; its process group was killed' });
    expect(errorOf({ stdout: result, aborted: true })).toMatchObject({ code: 'OPERATION_ABORTED', message: 'plugin type="bridge" network="pod-net" failed on ADD: aborted by the caller; its process group was killed' });
    expect(errorOf({ stdout: result, outputTooLarge: true })).toMatchObject({ code: 'PLUGIN_OUTPUT_TOO_LARGE', message: 'plugin type="bridge" network="pod-net" failed on ADD: it wrote more output than allowed; it was killed' });
  });

  it('fails an error JSON printed with exit 0 with the status "exit 0" and the plugin message', () => {
    expect(errorOf({ stdout: '{"code":7,"msg":"bad"}' }).message).toBe('plugin type="bridge" network="pod-net" failed on ADD (exit 0, code 7): "bad"');
  });

  it('fails an error JSON with code 1 printed with exit 0', () => {
    expect(errorOf({ stdout: '{"code":1,"msg":"incompatible"}' })).toMatchObject({ code: 'VERSION_INCOMPATIBLE', details: { pluginCode: 1 } });
  });

  it('returns an answer with code and msg that is not an error JSON as it is', () => {
    for (const stdout of ['{"code":1.5,"msg":"x"}', '{"code":"7","msg":"x"}', '{"code":7,"msg":3}', '{"code":7}', '[7,"x"]', '"text"', '{"code":7,"msg":"x","interfaces":[]}']) {
      expect(parsePluginOutcome(context, outcome({ stdout }))).toEqual(JSON.parse(stdout));
    }
  });

  it('takes an answer with any result key as a result, not an error', () => {
    for (const key of ['interfaces', 'ips', 'routes', 'dns', 'ip4', 'ip6', 'supportedVersions']) {
      const answer = { code: 7, msg: 'x', [key]: null };
      expect(parsePluginOutcome(context, outcome({ stdout: JSON.stringify(answer) }))).toEqual(answer);
    }
  });

  it('keeps the plugin message alone when it gave no details, and an empty message when it gave none', () => {
    expect(errorOf({ exitCode: 1, stdout: '{"code":7,"msg":"bad"}' })).toMatchObject({
      message: 'plugin type="bridge" network="pod-net" failed on ADD (exit 1, code 7): "bad"',
      details: { pluginMsg: 'bad', pluginDetails: undefined },
    });
    expect(errorOf({ exitCode: 1, stdout: '{"code":7}' })).toMatchObject({
      message: 'plugin type="bridge" network="pod-net" failed on ADD (exit 1, code 7): ""',
      details: { pluginMsg: '' },
    });
  });

  it('says the diagnostic could not be parsed when a failing plugin prints JSON that is no error, quoting it', () => {
    expect(errorOf({ exitCode: 1, stdout: '{"msg":"no code"}' })).toMatchObject({
      code: 'PLUGIN_FAILED',
      message: 'plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed but error parsing its diagnostic message "{\\"msg\\":\\"no code\\"}"',
    });
    expect(errorOf({ exitCode: 1, stdout: ' garbage ' })).toMatchObject({
      code: 'PLUGIN_FAILED',
      message: 'plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed but error parsing its diagnostic message "garbage"',
    });
  });

  it('takes whitespace-only stdout of a failing plugin as no output', () => {
    expect(errorOf({ exitCode: 1, stdout: ' \n', stderr: 'boom' }).message).toBe('plugin type="bridge" network="pod-net" failed on ADD (exit 1): netplugin failed: "boom"');
  });
});
