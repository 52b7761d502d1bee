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

  it('takes only /0 destinations of the zero address as default routes, in every spelling', () => {
    const routes = [
      { dst: '0.0.0.0/8' },
      { dst: '10.0.0.0/0' },
      { dst: '0.0.0.05/0' },
      { dst: '00.0.0.0/0' },
      { dst: '0.00.0.0/0' },
      { dst: '10.1.2.3/0' },
      { dst: '000/0' },
      { dst: '1::/0' },
      { dst: '::1/0' },
      { dst: '::0/0' },
      { dst: '0:0::/0' },
      { dst: 5 },
      { gw: '10.0.0.1' },
      null,
      'text',
    ];
    const edited = editDefaultRoutesInResult({ cniVersion: '1.0.0', routes }, { removeFamilies: [4, 6], gateways: [] });
    expect(edited['routes']).toEqual([
      { dst: '0.0.0.0/8' },
      { dst: '10.0.0.0/0' },
      { dst: '0.0.0.05/0' },
      { dst: '10.1.2.3/0' },
      { dst: '000/0' },
      { dst: '1::/0' },
      { dst: '::1/0' },
      { dst: 5 },
      { gw: '10.0.0.1' },
      null,
      'text',
    ]);
    const v4Only = editDefaultRoutesInResult({ cniVersion: '1.0.0', routes }, { removeFamilies: [4], gateways: [] })['routes'] as unknown[];
    expect(v4Only).toContainEqual({ dst: '::0/0' });
    expect(v4Only).not.toContainEqual({ dst: '00.0.0.0/0' });
    const v6Only = editDefaultRoutesInResult({ cniVersion: '1.0.0', routes }, { removeFamilies: [6], gateways: [] })['routes'] as unknown[];
    expect(v6Only).toContainEqual({ dst: '00.0.0.0/0' });
    expect(v6Only).toContainEqual({ dst: '10.1.2.3/0' });
    expect(v6Only).not.toContainEqual({ dst: '0:0::/0' });
  });

  it('edits the ip4/ip6 sections of 0.1.0 results and of results without a cniVersion, keeping their other routes', () => {
    for (const cniVersion of ['0.1.0', undefined]) {
      const old = { ...(cniVersion ? { cniVersion } : {}), ip4: { ip: '10.250.9.5/24', routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.1' }, { dst: '10.9.0.0/16' }] } };
      expect(editDefaultRoutesInResult(old, { removeFamilies: [4], gateways: ['10.250.9.254'] })).toEqual({
        ...(cniVersion ? { cniVersion } : {}),
        ip4: { ip: '10.250.9.5/24', routes: [{ dst: '10.9.0.0/16' }, { dst: '0.0.0.0/0', gw: '10.250.9.254' }] },
      });
    }
  });

  it('leaves an old result\'s ip4/ip6 entries that are not objects as they are', () => {
    const old = { cniVersion: '0.2.0', ip4: ['10.250.9.5/24'], ip6: 'fd00::5/64', dns: {} };
    expect(editDefaultRoutesInResult(old, { removeFamilies: [4, 6], gateways: ['10.0.0.1', 'fd00::1'] })).toEqual(old);
    const nulled = { cniVersion: '0.2.0', ip4: null };
    expect(editDefaultRoutesInResult(nulled, { removeFamilies: [4], gateways: [] })).toEqual(nulled);
  });
});
