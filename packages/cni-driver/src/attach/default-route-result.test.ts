import { describe, expect, it } from 'vitest';
import { editDefaultRoutesInResult } from './default-route-result.ts';

describe('editDefaultRoutesInResult', () => {
  const result = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'eth0', sandbox: '/var/run/netns/x' }],
    ips: [{ address: '10.250.9.5/24', gateway: '10.250.9.1', interface: 0 }],
    routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.1' }, { dst: '10.250.77.0/24' }, { dst: '::/0', gw: 'fd00:250::1' }],
  };

  it('removes the default routes of the planned families and keeps the other routes', () => {
    expect(editDefaultRoutesInResult(result, { removeFamilies: [4, 6], gateways: [] })['routes']).toEqual([{ dst: '10.250.77.0/24' }]);
    expect(editDefaultRoutesInResult(result, { removeFamilies: [4], gateways: [] })['routes']).toEqual([{ dst: '10.250.77.0/24' }, { dst: '::/0', gw: 'fd00:250::1' }]);
  });

  it('adds a default route via each asked gateway, and leaves the input unchanged', () => {
    const edited = editDefaultRoutesInResult(result, { removeFamilies: [4, 6], gateways: ['10.250.9.254'] });
    expect(edited['routes']).toEqual([{ dst: '10.250.77.0/24' }, { dst: '0.0.0.0/0', gw: '10.250.9.254' }]);
    expect(result.routes).toHaveLength(3);
  });

  it('drops the routes key when no route is left, as Multus does', () => {
    expect(editDefaultRoutesInResult({ cniVersion: '0.4.0', routes: [{ dst: '0.0.0.0/0' }] }, { removeFamilies: [4, 6], gateways: [] })).toEqual({ cniVersion: '0.4.0' });
  });

  it('edits ip4.routes and ip6.routes of a 0.2.0 result', () => {
    const old = { cniVersion: '0.2.0', ip4: { ip: '10.250.9.5/24', routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.1' }] }, ip6: { ip: 'fd00:250::5/64' } };
    expect(editDefaultRoutesInResult(old, { removeFamilies: [4, 6], gateways: ['fd00:250::9'] })).toEqual({
      cniVersion: '0.2.0',
      ip4: { ip: '10.250.9.5/24' },
      ip6: { ip: 'fd00:250::5/64', routes: [{ dst: '::/0', gw: 'fd00:250::9' }] },
    });
  });
});
