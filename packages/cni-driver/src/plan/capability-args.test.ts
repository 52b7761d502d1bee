import { describe, expect, it } from 'vitest';
import { isCniError } from '@multinet/cni-types';
import { validateCapabilityArgs, validateSandboxCapabilityArgs, WELL_KNOWN_CAPABILITY_NAMES } from './capability-args.ts';

const refusal = (run: () => void): { code: string; message: string } => {
  try {
    run();
  } catch (error) {
    if (isCniError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('validateCapabilityArgs', () => {
  it('refuses portMappings that is not a list, naming the capability and the field', () => {
    const { code, message } = refusal(() => validateCapabilityArgs({ portMappings: 'x' }, 'CAP_ARGS'));
    expect(code).toBe('CAPABILITY_ARGS_INVALID');
    expect(message).toContain('CAP_ARGS: capability "portMappings"');
    expect(message).toContain('field "portMappings"');
  });

  it.each([
    [{ portMappings: [{ hostPort: 'x' }] }, 'portMappings[0].hostPort'],
    [{ portMappings: [{ hostPort: 80, containerPort: 70000 }] }, 'portMappings[0].containerPort'],
    [{ portMappings: [{ hostPort: 1.5 }] }, 'portMappings[0].hostPort'],
    [{ portMappings: [7] }, 'portMappings[0]'],
    [{ bandwidth: { ingressRate: -1 } }, 'bandwidth.ingressRate'],
    [{ bandwidth: [] }, 'bandwidth'],
    [{ ips: '10.0.0.1' }, 'ips'],
    [{ ips: [1] }, 'ips[0]'],
    [{ mac: 5 }, 'mac'],
    [{ dns: { servers: '1.1.1.1' } }, 'dns.servers'],
    [{ ipRanges: [{ subnet: '10.0.0.0/24' }] }, 'ipRanges[0]'],
    [{ ipRanges: [[{ subnet: 10 }]] }, 'ipRanges[0][0].subnet'],
    [{ aliases: 'a' }, 'aliases'],
    [{ infinibandGUID: [] }, 'infinibandGUID'],
    [{ deviceID: {} }, 'deviceID'],
    [{ cgroupPath: 1 }, 'cgroupPath'],
  ])('refuses %j at field %s', (args, field) => {
    const { code, message } = refusal(() => validateCapabilityArgs(args, 'CAP_ARGS'));
    expect(code).toBe('CAPABILITY_ARGS_INVALID');
    expect(message).toContain(`field "${field}"`);
  });

  it('checks every well-known capability of the conventions', () => {
    expect([...WELL_KNOWN_CAPABILITY_NAMES].sort()).toEqual(['aliases', 'bandwidth', 'cgroupPath', 'deviceID', 'dns', 'infinibandGUID', 'ipRanges', 'ips', 'mac', 'portMappings']);
  });

  it('accepts the shapes of the conventions, partial entries, extra fields, nulls and unknown capabilities', () => {
    expect(() =>
      validateCapabilityArgs(
        {
          portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }, { hostPort: 1, note: '<&>' }],
          bandwidth: { ingressRate: 1000000, egressRate: 2.5e9 },
          ipRanges: [[{ subnet: '10.7.0.0/24', gateway: '10.7.0.1' }]],
          dns: { servers: ['1.1.1.1'], searches: ['a'], options: ['ndots:2'] },
          ips: ['10.0.0.5/24'],
          mac: '02:00:00:00:00:01',
          infinibandGUID: '24:8a:07:03:00:8d:ae:2f',
          deviceID: '0000:03:00.1',
          aliases: ['web'],
          cgroupPath: '/kubepods/pod1',
          cniVersionOfMine: { anything: [1, 'x'] },
          mac2: 7,
          ipsNull: null,
        },
        'CAP_ARGS',
      ),
    ).not.toThrow();
    expect(() => validateCapabilityArgs({ portMappings: null, bandwidth: null }, 'CAP_ARGS')).not.toThrow();
  });

  it('refuses capability args that are not an object', () => {
    for (const args of [[], 'x', 3, null]) expect(refusal(() => validateCapabilityArgs(args, 'CAP_ARGS')).code).toBe('CAPABILITY_ARGS_INVALID');
  });
});

describe('validateSandboxCapabilityArgs', () => {
  it('names the attachment runtime config entry and field', () => {
    const { code, message } = refusal(() => validateSandboxCapabilityArgs({ sandboxId: 'sb1', attachmentRuntimeConfig: { dbnet: { portMappings: 'x' } } }));
    expect(code).toBe('CAPABILITY_ARGS_INVALID');
    expect(message).toContain('attachmentRuntimeConfig["dbnet"]');
    expect(message).toContain('capability "portMappings"');
  });

  it("checks the sandbox's own port mappings, bandwidth and extra capability args", () => {
    expect(refusal(() => validateSandboxCapabilityArgs({ sandboxId: 'sb1', portMappings: 'x' })).message).toContain('"portMappings"');
    expect(refusal(() => validateSandboxCapabilityArgs({ sandboxId: 'sb1', bandwidth: { egressRate: 'fast' } })).message).toContain('"bandwidth.egressRate"');
    expect(refusal(() => validateSandboxCapabilityArgs({ sandboxId: 'sb1', capabilityArgs: { ipRanges: 'x' } })).message).toContain('"ipRanges"');
  });

  it('accepts what the attachment runtime config parser makes', () => {
    expect(() =>
      validateSandboxCapabilityArgs({
        sandboxId: 'sb1',
        portMappings: [{ hostPort: 80, containerPort: 8080, protocol: 'tcp' }],
        attachmentRuntimeConfig: { 'default/dbnet@net1': { ips: ['10.0.0.1/24'], mac: '02:00:00:00:00:01', cniArgs: { a: 1 }, defaultRoute: ['10.0.0.254'] } },
      }),
    ).not.toThrow();
  });
});
