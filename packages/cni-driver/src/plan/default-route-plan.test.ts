import { describe, expect, it } from 'vitest';
import { selectDefaultRoutePlans } from './default-route-plan.ts';

describe('selectDefaultRoutePlans', () => {
  it('plans nothing when no attachment carries default-route', () => {
    expect(selectDefaultRoutePlans([{}, { defaultRoute: undefined }])).toEqual([undefined, undefined]);
  });

  it('removes every default route of the others and replaces the asking attachment\'s own, as Multus\' flags do', () => {
    expect(selectDefaultRoutePlans([{}, { defaultRoute: ['10.250.9.1'] }, {}])).toEqual([
      { removeFamilies: [4, 6], gateways: [] },
      { removeFamilies: [4, 6], gateways: ['10.250.9.1'] },
      { removeFamilies: [4, 6], gateways: [] },
    ]);
  });

  it('treats an empty default-route as a request: every attachment loses its default routes, none gets one', () => {
    expect(selectDefaultRoutePlans([{}, { defaultRoute: [] }])).toEqual([
      { removeFamilies: [4, 6], gateways: [] },
      { removeFamilies: [4, 6], gateways: [] },
    ]);
  });

  it('gives an IPv4 and an IPv6 gateway to the attachments that asked for them', () => {
    expect(selectDefaultRoutePlans([{ defaultRoute: ['fd00:250::1'] }, { defaultRoute: ['10.250.9.1'] }]).map((p) => p?.gateways)).toEqual([['fd00:250::1'], ['10.250.9.1']]);
  });

  it('maps KEP-3698 isDefaultGW4: the other attachments lose their IPv4 default routes, the flagged one keeps its own', () => {
    expect(selectDefaultRoutePlans([{}, { defaultGatewayFamilies: [4] }, {}])).toEqual([{ removeFamilies: [4], gateways: [] }, undefined, { removeFamilies: [4], gateways: [] }]);
  });

  it('lets default-route win over KEP flags when both are given (through the library API)', () => {
    expect(selectDefaultRoutePlans([{ defaultGatewayFamilies: [4] }, { defaultRoute: ['10.250.9.1'] }]).map((p) => p?.gateways)).toEqual([[], ['10.250.9.1']]);
  });
});
