import { describe, expect, it } from 'vitest';
import { parseGenieCni } from './genie-cni.ts';

describe('parseGenieCni', () => {
  it('gives unnamed plugins the lowest free eth<N>, skipping names taken explicitly', () => {
    expect(parseGenieCni('weave,canal@eth0,flannel').map((w) => [w.ref.name, w.autoIfName])).toEqual([
      ['weave', 'eth1'],
      ['canal', 'eth0'],
      ['flannel', 'eth2'],
    ]);
  });

  it('refuses the same interface name twice with INTERFACE_NAME_CONFLICT', () => {
    expect(() => parseGenieCni('a@eth1,b@eth1')).toThrow(expect.objectContaining({ code: 'INTERFACE_NAME_CONFLICT', message: expect.stringContaining('Repeated request for same interface name: eth1') }));
  });

  it('refuses a namespaced plugin name naming the cni annotation', () => {
    expect(() => parseGenieCni('ns/a')).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID', message: expect.stringContaining('cni annotation: entry 1') }));
  });
});
