import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { CniError } from '@multinet/cni-types';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { invokePluginVersion } from './version-probe.ts';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from './plugin-executor.ts';

/** An executor that gives one answer and records what it was asked (the executor seam). */
function answering(answer: Partial<PluginExecOutcome> | Error) {
  const requests: PluginExecRequest[] = [];
  const executor: PluginExecutor = {
    async execPlugin(req) {
      requests.push(req);
      if (answer instanceof Error) throw answer;
      return { exitCode: 0, signal: null, stdout: '', stderr: '', timedOut: false, aborted: false, outputTooLarge: false, ...answer };
    },
  };
  return { executor, requests };
}

const probe = (executor: PluginExecutor) => invokePluginVersion({ executor, pluginDirs: [FIXTURE_PLUGIN_DIR], type: 'noop', baseEnv: {} });

describe('invokePluginVersion', () => {
  it("sends VERSION with libcni's stdin and dummy env, and returns the versions the plugin supports", async () => {
    const { executor, requests } = answering({ stdout: '{"cniVersion":"1.0.0","supportedVersions":["0.4.0","1.0.0"]}' });
    expect(await probe(executor)).toEqual({ cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0'] });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      path: join(FIXTURE_PLUGIN_DIR, 'noop'),
      stdin: '{"cniVersion":"1.1.0"}',
      env: { CNI_COMMAND: 'VERSION', CNI_CONTAINERID: '', CNI_NETNS: 'dummy', CNI_IFNAME: 'dummy', CNI_PATH: 'dummy', CNI_ARGS: '' },
    });
  });

  it('takes a plugin that reports "unknown CNI_COMMAND: VERSION" for one that supports 0.1.0 only', async () => {
    const { executor } = answering({ exitCode: 1, stdout: '{"cniVersion":"0.1.0","code":4,"msg":"unknown CNI_COMMAND: VERSION"}' });
    expect(await probe(executor)).toEqual({ cniVersion: '0.1.0', supportedVersions: ['0.1.0'] });
  });

  it('finds "unknown CNI_COMMAND: VERSION" on stderr when the plugin printed no error JSON', async () => {
    const { executor } = answering({ exitCode: 1, stderr: 'unknown CNI_COMMAND: VERSION' });
    expect(await probe(executor)).toEqual({ cniVersion: '0.1.0', supportedVersions: ['0.1.0'] });
  });

  it('goes by the plugin message before stderr', async () => {
    const { executor } = answering({ exitCode: 1, stdout: '{"code":4,"msg":"bad env"}', stderr: 'unknown CNI_COMMAND: VERSION' });
    await expect(probe(executor)).rejects.toMatchObject({ code: 'INVALID_ENVIRONMENT', details: { pluginMsg: 'bad env' } });
  });

  it('passes on any other failure as it is', async () => {
    const { executor } = answering({ exitCode: 1, stdout: '{"code":11,"msg":"busy"}' });
    await expect(probe(executor)).rejects.toMatchObject({ code: 'TRY_AGAIN_LATER' });
    const plain = answering({ exitCode: 1 });
    await expect(probe(plain.executor)).rejects.toMatchObject({ code: 'PLUGIN_FAILED' });
  });

  it('passes on an error that is not a CniError as it is', async () => {
    const broken = new Error('unknown CNI_COMMAND: VERSION');
    await expect(probe(answering(broken).executor)).rejects.toBe(broken);
  });

  it('refuses a VERSION answer without versions, naming the plugin', async () => {
    const { executor } = answering({ stdout: '{"cniVersion":"1.0.0"}' });
    const error = await probe(executor).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CniError);
    expect(error).toMatchObject({ code: 'PLUGIN_OUTPUT_INVALID', message: 'plugin type="noop" answered VERSION without "supportedVersions"' });
  });
});
