import { describe, expect, it } from 'vitest';
import { buildFailOutcome, buildFaultCall } from './fault-executor.ts';

describe('buildFaultCall', () => {
  it('reads the network from the stdin name, the verb from CNI_COMMAND and the pod from CNI_ARGS', () => {
    const env = { CNI_COMMAND: 'ADD', CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=team;K8S_POD_NAME=api;K8S_POD_UID=u=1' };
    expect(buildFaultCall({ stdin: '{"cniVersion":"1.0.0","name":"dbnet","type":"noop"}', env })).toEqual({ network: 'dbnet', command: 'ADD', pod: 'team/api', cniVersion: '1.0.0' });
  });

  it('has no network for a call without a config (VERSION) and no pod without pod args', () => {
    expect(buildFaultCall({ stdin: '', env: { CNI_COMMAND: 'VERSION' } })).toEqual({ network: undefined, command: 'VERSION', pod: undefined, cniVersion: undefined });
  });
});

describe('buildFailOutcome', () => {
  it('reports the fault as the plugin would: a CNI error on stdout and exit 1', () => {
    const outcome = buildFailOutcome('0.4.0', { network: 'dbnet', command: 'ADD', pod: 'default/web', nth: 2, action: 'fail', code: 11, msg: 'try later' });
    expect(outcome).toMatchObject({ exitCode: 1, signal: null, stderr: '', timedOut: false, aborted: false, outputTooLarge: false });
    expect(JSON.parse(outcome.stdout)).toEqual({ cniVersion: '0.4.0', code: 11, msg: 'try later', details: 'injected on ADD #2 of dbnet' });
  });
});
