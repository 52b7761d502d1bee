import { describe, expect, it } from 'vitest';
import { formatCniArgs, parseCniArgs } from './cni-args.ts';
import { validateContainerId, validateInterfaceName, validateNetworkName } from './identifiers.ts';
import { errorOf } from '../../../test/support/cni-error.ts';

/** The CniError a call throws. */
describe('validateInterfaceName: messages', () => {
  it.each([
    ['', 'it is empty'],
    ['a'.repeat(16), 'it is longer than 15 bytes'],
    ['..', 'it is "." or ".."'],
    ['eth 0', 'it contains "/", ":" or whitespace'],
  ])('says why %j is refused', (name, why) => {
    expect(errorOf(() => validateInterfaceName(name))).toMatchObject({
      code: 'INTERFACE_NAME_INVALID',
      message: `invalid interface name ${JSON.stringify(name)}: ${why}`,
      details: { ifName: name },
    });
  });
});

describe('container IDs and network names', () => {
  it('refuses a bad container ID, quoting it and the pattern', () => {
    expect(errorOf(() => validateContainerId('-bad'))).toMatchObject({
      code: 'CONTAINER_ID_INVALID',
      message: 'invalid container ID "-bad": must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$',
      details: { containerId: '-bad' },
    });
  });

  it('accepts a good network name and refuses a bad one, quoting it and the pattern', () => {
    expect(() => validateNetworkName('pod-net.v1_2')).not.toThrow();
    expect(errorOf(() => validateNetworkName('pod net'))).toMatchObject({
      code: 'NETWORK_NAME_INVALID',
      message: 'invalid network name "pod net": must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$',
      details: { network: 'pod net' },
    });
  });
});

describe('CNI_ARGS', () => {
  it.each([[''], ['A;B'], ['A=B'], ['A\nB'], ['A\0']])('refuses the key %j, quoting it', (key) => {
    expect(errorOf(() => formatCniArgs([['OK', '1'], [key, 'v']]))).toMatchObject({
      code: 'CNI_ARGS_INVALID',
      message: `invalid CNI_ARGS key ${JSON.stringify(key)}: must be non-empty without ";" or "="`,
    });
  });

  it('refuses a value with a separator, naming its key', () => {
    expect(errorOf(() => formatCniArgs([['IP', '10.0.0.1;X=1']])).message).toBe('invalid CNI_ARGS value for IP: "10.0.0.1;X=1" contains ";", "=", NUL or a newline');
  });

  it('refuses a piece that is not K=V with CNI_ARGS_INVALID, quoting it', () => {
    expect(errorOf(() => parseCniArgs('A=1;B'))).toMatchObject({ code: 'CNI_ARGS_INVALID', message: 'invalid CNI_ARGS pair "B"' });
  });
});
