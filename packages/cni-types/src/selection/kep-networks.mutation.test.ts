import { describe, expect, it } from 'vitest';
import { isCniError } from '../errors.ts';
import { parseKepNetworks } from './kep-networks.ts';

/** The code and single issue of the error a call throws. */
function issueOf(call: () => unknown): { code: string; path: string; message: string } {
  try {
    call();
  } catch (error) {
    if (!isCniError(error)) throw error;
    const issue = error.details.issues![0]!;
    return { code: error.code, path: issue.path, message: issue.message };
  }
  throw new Error('expected a CniError, got a value');
}

const kep = (networks: unknown) => parseKepNetworks(networks, 'app');

describe('parseKepNetworks: refusals name the field', () => {
  it('refuses spec.networks that is not a list', () => {
    expect(issueOf(() => kep({ podNetworkName: 'a' }))).toEqual({ code: 'SELECTION_INVALID', path: 'spec.networks', message: 'expected a list, got an object' });
  });

  it('refuses a name that is not a DNS-1123 subdomain', () => {
    expect(issueOf(() => kep([{ podNetworkName: 'Bad_Name' }]))).toEqual({ code: 'SELECTION_INVALID', path: 'spec.networks[0].podNetworkName', message: '"Bad_Name" is not a DNS-1123 subdomain' });
    expect(issueOf(() => kep([{ podNetwork: 'Bad_Name' }])).path).toBe('spec.networks[0].podNetwork');
  });

  it('treats an empty podNetworkName as absent, so podNetwork is read', () => {
    expect(kep([{ podNetworkName: '', podNetwork: 'data' }])[0]!.ref).toEqual({ kind: 'pod-network', name: 'data' });
  });

  it('requires exactly one of podNetworkName and podNetworkAttachmentName', () => {
    const both = issueOf(() => kep([{ podNetworkName: 'a', podNetworkAttachmentName: 'b' }]));
    expect(both).toEqual({ code: 'SELECTION_INVALID', path: 'spec.networks[0]', message: 'exactly one of podNetworkName and podNetworkAttachmentName is required' });
    expect(issueOf(() => kep([{}])).message).toBe('exactly one of podNetworkName and podNetworkAttachmentName is required');
  });

  it('refuses a PodNetwork referenced twice, and allows an attachment twice with different interfaces', () => {
    expect(issueOf(() => kep([{ podNetworkName: 'a' }, { podNetworkName: 'a' }]))).toEqual({ code: 'SELECTION_INVALID', path: 'spec.networks[1].podNetworkName', message: 'PodNetwork "a" is referenced more than once' });
    expect(kep([{ podNetworkAttachmentName: 'x', interfaceName: 'x0' }, { podNetworkAttachmentName: 'x', interfaceName: 'x1' }])).toHaveLength(2);
  });

  it('refuses a bad or repeated interface name', () => {
    expect(issueOf(() => kep([{ podNetworkName: 'a', interfaceName: 5 }]))).toMatchObject({ path: 'spec.networks[0].interfaceName', message: 'expected a string, got number 5' });
    expect(issueOf(() => kep([{ podNetworkName: 'a', interfaceName: 'bad/if' }]))).toMatchObject({ code: 'INTERFACE_NAME_INVALID', path: 'spec.networks[0].interfaceName' });
    expect(issueOf(() => kep([{ podNetworkName: 'a', interfaceName: 'n1' }, { podNetworkName: 'b', interfaceName: 'n1' }]))).toEqual({
      code: 'SELECTION_INVALID',
      path: 'spec.networks[1].interfaceName',
      message: '"n1" is used by another entry',
    });
  });

  it('allows isDefaultGW4 and isDefaultGW6 on one entry each, naming the earlier one otherwise', () => {
    expect(issueOf(() => kep([{ podNetworkName: 'a', isDefaultGW4: true }, { podNetworkName: 'b', isDefaultGW4: true }]))).toEqual({
      code: 'SELECTION_INVALID',
      path: 'spec.networks[1].isDefaultGW4',
      message: 'only one entry may set it (entry 0 does)',
    });
    expect(issueOf(() => kep([{ podNetworkName: 'a', isDefaultGW6: true }, { podNetworkName: 'b', isDefaultGW6: true }]))).toEqual({
      code: 'SELECTION_INVALID',
      path: 'spec.networks[1].isDefaultGW6',
      message: 'only one entry may set it (entry 0 does)',
    });
    expect(issueOf(() => kep([{ podNetworkName: 'a', isDefaultGW6: 'yes' }])).path).toBe('spec.networks[0].isDefaultGW6');
  });

  it('makes the isDefaultGW6 entry the default when no entry sets isDefaultGW4', () => {
    expect(kep([{ podNetworkName: 'a' }, { podNetworkName: 'b', isDefaultGW6: true }]).map((w) => w.isDefault)).toEqual([false, true]);
    expect(kep([{ podNetworkName: 'a', isDefaultGW6: true }, { podNetworkName: 'b', isDefaultGW4: true }]).map((w) => w.isDefault)).toEqual([false, true]);
  });

  it('has no ifName when no interfaceName is given', () => {
    expect('ifName' in kep([{ podNetworkName: 'a' }])[0]!).toBe(false);
  });
});
