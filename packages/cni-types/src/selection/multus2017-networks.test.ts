import { describe, expect, it } from 'vitest';
import { parseMultus2017Networks } from './multus2017-networks.ts';

describe('parseMultus2017Networks', () => {
  it('puts the first network on eth0 and the others on net0, net1', () => {
    expect(parseMultus2017Networks('[{"name":"flannel-conf"},{"name":"sriov-conf"},{"name":"third"}]', 'app').map((w) => [w.ref.kind, w.ref.name, w.autoIfName])).toEqual([
      ['multus-network', 'flannel-conf', 'eth0'],
      ['multus-network', 'sriov-conf', 'net0'],
      ['multus-network', 'third', 'net1'],
    ]);
  });

  it.each([['{"name":"a"}', '(value)'], ['[]', '(value)'], ['[{"nam":"a"}]', '[0].name'], ['[1]', '[0]']])('refuses %j naming the networks annotation and %s', (value, field) => {
    expect(() => parseMultus2017Networks(value, 'app')).toThrow(expect.objectContaining({ code: 'SELECTION_INVALID', message: expect.stringContaining(`networks annotation: ${field}`) }));
  });
});
