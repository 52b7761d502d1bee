import { describe, expect, it } from 'vitest';
import { isCniError } from '../errors.ts';
import { parseRuntimeConfigFields, validateDefaultRoutes } from './runtime-config-fields.ts';

const WHERE = 'annotation k8s.v1.cni.cncf.io/networks';

const parse = (element: Record<string, unknown>) => parseRuntimeConfigFields(WHERE, '[0]', element);

/** The one issue (path and message) of the SELECTION_INVALID a call throws. */
function issueOf(call: () => unknown): { path: string; message: string } {
  try {
    call();
  } catch (error) {
    if (!isCniError(error)) throw error;
    expect(error.code).toBe('SELECTION_INVALID');
    expect(error.details.issues).toHaveLength(1);
    const issue = error.details.issues![0]!;
    expect(error.message).toBe(`invalid ${WHERE}: ${issue.path}: ${issue.message}`);
    return issue;
  }
  throw new Error('expected a CniError, got a value');
}

describe('parseRuntimeConfigFields: portMappings', () => {
  const port = (entry: Record<string, unknown>) => parse({ portMappings: [{ hostPort: 8080, containerPort: 80, ...entry }] });

  it('reads a mapping, keeping protocol and host IP only when given', () => {
    expect(port({})).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80 }] });
    expect(port({ protocol: 'udp', hostIP: '10.0.0.1' })).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'udp', hostIP: '10.0.0.1' }] });
    expect(port({ hostIP: '' })).toEqual({ portMappings: [{ hostPort: 8080, containerPort: 80 }] });
    expect(Object.keys(port({ hostIP: '' }).portMappings![0]!)).toEqual(['hostPort', 'containerPort']);
  });

  it('accepts ports 1 and 65535', () => {
    expect(port({ hostPort: 1, containerPort: 65535 }).portMappings).toEqual([{ hostPort: 1, containerPort: 65535 }]);
  });

  it.each([[0], [65536], [80.5], ['80'], [null]])('refuses the host port %j', (value) => {
    expect(issueOf(() => port({ hostPort: value }))).toEqual({ path: '[0].portMappings[0].hostPort', message: `expected a port 1-65535, got ${value === null ? 'null' : typeof value === 'string' ? `string "${value}"` : `number ${value}`}` });
  });

  it('refuses a bad container port, naming it', () => {
    expect(issueOf(() => port({ containerPort: 0 }))).toEqual({ path: '[0].portMappings[0].containerPort', message: 'expected a port 1-65535, got number 0' });
  });

  it('refuses a protocol other than TCP, UDP or SCTP', () => {
    expect(issueOf(() => port({ protocol: 'icmp' }))).toEqual({ path: '[0].portMappings[0].protocol', message: 'expected TCP, UDP or SCTP, got "icmp"' });
    expect(port({ protocol: 'SCTP' }).portMappings?.[0]?.protocol).toBe('SCTP');
  });

  it('refuses a protocol or host IP that is not a string, naming it', () => {
    expect(issueOf(() => port({ protocol: 6 }))).toEqual({ path: '[0].portMappings[0].protocol', message: 'expected a string, got number 6' });
    expect(issueOf(() => port({ hostIP: 1 }))).toEqual({ path: '[0].portMappings[0].hostIP', message: 'expected a string, got number 1' });
  });

  it('refuses a host IP that is no IP', () => {
    expect(issueOf(() => port({ hostIP: 'host' }))).toEqual({ path: '[0].portMappings[0].hostIP', message: 'failed to parse IP address "host"' });
  });

  it('refuses portMappings that are not a list', () => {
    expect(issueOf(() => parse({ portMappings: { hostPort: 1 } }))).toEqual({ path: '[0].portMappings', message: 'expected a list, got an object' });
  });

  it('leaves an empty or null list out', () => {
    expect(parse({ portMappings: [] })).toEqual({});
    expect(parse({ portMappings: null })).toEqual({});
  });
});

describe('parseRuntimeConfigFields: bandwidth', () => {
  it('reads the rates and bursts it knows, and leaves null out', () => {
    expect(parse({ bandwidth: { ingressRate: 100, ingressBurst: 10, egressRate: 200, egressBurst: 20, other: 1 } })).toEqual({
      bandwidth: { ingressRate: 100, ingressBurst: 10, egressRate: 200, egressBurst: 20 },
    });
    expect(parse({ bandwidth: null })).toEqual({});
  });

  it.each([[0], [-1], [1.5], ['100'], [null]])('refuses the rate %j', (value) => {
    expect(issueOf(() => parse({ bandwidth: { egressRate: value } })).path).toBe('[0].bandwidth.egressRate');
  });

  it('says what a rate must be', () => {
    expect(issueOf(() => parse({ bandwidth: { ingressRate: 0 } }))).toEqual({ path: '[0].bandwidth.ingressRate', message: 'expected a positive integer, got number 0' });
  });

  it('refuses a burst without its rate, for each direction', () => {
    expect(issueOf(() => parse({ bandwidth: { ingressBurst: 1, egressRate: 1 } }))).toEqual({ path: '[0].bandwidth.ingressBurst', message: 'a burst needs its rate (ingressRate)' });
    expect(issueOf(() => parse({ bandwidth: { egressBurst: 1, ingressRate: 1 } }))).toEqual({ path: '[0].bandwidth.egressBurst', message: 'a burst needs its rate (egressRate)' });
  });

  it('accepts a rate without a burst', () => {
    expect(parse({ bandwidth: { egressRate: 5 } })).toEqual({ bandwidth: { egressRate: 5 } });
  });
});

describe('parseRuntimeConfigFields: ips, mac, infiniband-guid, cni-args, default-route', () => {
  it('reads ips, and leaves an empty list out', () => {
    expect(parse({ ips: ['10.0.0.5/24', 'fd00::5'] })).toEqual({ ips: ['10.0.0.5/24', 'fd00::5'] });
    expect(parse({ ips: [] })).toEqual({});
  });

  it('refuses ips that are not a list of strings, naming the entry', () => {
    expect(issueOf(() => parse({ ips: '10.0.0.5' }))).toEqual({ path: '[0].ips', message: 'expected a list of strings, got string "10.0.0.5"' });
    expect(issueOf(() => parse({ ips: ['10.0.0.5', 5] }))).toEqual({ path: '[0].ips[1]', message: 'expected a string, got number 5' });
    expect(issueOf(() => parse({ ips: ['10.0.0.5', '10.0.0'] })).path).toBe('[0].ips[1]');
  });

  it('reads a MAC, ignores an empty one, and refuses a bad one', () => {
    expect(parse({ mac: '02:00:00:00:00:01' })).toEqual({ mac: '02:00:00:00:00:01' });
    expect(parse({ mac: '' })).toEqual({});
    expect(issueOf(() => parse({ mac: '02:00' }))).toEqual({ path: '[0].mac', message: 'failed to parse MAC address "02:00"' });
    expect(issueOf(() => parse({ mac: 2 })).path).toBe('[0].mac');
  });

  it('reads an InfiniBand GUID, ignores an empty one, and refuses a bad one', () => {
    expect(parse({ 'infiniband-guid': '00:11:22:33:44:55:66:77' })).toEqual({ infinibandGUID: '00:11:22:33:44:55:66:77' });
    expect(parse({ 'infiniband-guid': '' })).toEqual({});
    expect(issueOf(() => parse({ 'infiniband-guid': 'guid' }))).toEqual({ path: '[0].infiniband-guid', message: 'failed to validate infiniband GUID "guid"' });
    expect(issueOf(() => parse({ 'infiniband-guid': 1 })).path).toBe('[0].infiniband-guid');
  });

  it('copies cni-args, leaves null out, and refuses a non-object', () => {
    const args = { a: 1 };
    const parsed = parse({ 'cni-args': args });
    expect(parsed).toEqual({ cniArgs: { a: 1 } });
    expect(parsed.cniArgs).not.toBe(args);
    expect(parse({ 'cni-args': null })).toEqual({});
    expect(issueOf(() => parse({ 'cni-args': [] }))).toEqual({ path: '[0].cni-args', message: 'expected an object, got an array' });
  });

  it('reads default-route gateways, leaves null out, and refuses a non-IP naming its index', () => {
    expect(parse({ 'default-route': ['10.0.0.1', 'fd00::1'] })).toEqual({ defaultRoute: ['10.0.0.1', 'fd00::1'] });
    expect(parse({ 'default-route': [] })).toEqual({ defaultRoute: [] });
    expect(parse({ 'default-route': null })).toEqual({});
    expect(issueOf(() => parse({ 'default-route': ['10.0.0.1', 'gw'] }))).toEqual({ path: '[0].default-route[1]', message: 'failed to parse IP address "gw"' });
    expect(issueOf(() => parse({ 'default-route': '10.0.0.1' })).path).toBe('[0].default-route');
  });

  it('reads nothing from an element without these keys', () => {
    expect(parse({ name: 'net', namespace: 'ns' })).toEqual({});
  });
});

describe('validateDefaultRoutes', () => {
  it('allows one IPv4 and one IPv6 gateway per pod, and attachments without any', () => {
    expect(() => validateDefaultRoutes(WHERE, [{ defaultRoute: ['10.0.0.1'] }, {}, { defaultRoute: ['fd00::1'] }])).not.toThrow();
  });

  it('refuses a second gateway of one family, naming the attachment', () => {
    expect(issueOf(() => validateDefaultRoutes(WHERE, [{ defaultRoute: ['fd00::1'] }, {}, { defaultRoute: ['fd00::2'] }]))).toEqual({
      path: '[2].default-route',
      message: 'more than one IPv6 default-route in the pod (multus does not support ECMP for default-route)',
    });
  });
});
