/**
 * Which default routes each attachment of a pod removes and adds, from the NPWG `default-route`
 * selection key, decided exactly as Multus decides it (`types.CheckGatewayConfig`, then the flags
 * `cmdAdd` reads). Pure.
 */
import { ipFamily } from '@multinet/cni-types';
import type { DefaultRoutePlan } from '../attach/attachment.ts';

/**
 * The default-route plan of each attachment, in the order given (the pod's attachments without
 * loopback, the cluster default network included).
 *
 * As in Multus: nothing at all when no attachment carries `default-route`. Otherwise every
 * attachment is marked to lose the default routes of each family it asked no gateway for, and
 * one that asked for gateways also loses its own default routes before they are added. With
 * Multus' flags this means every interface loses its default routes of both families (an empty
 * `default-route: []` included: "the CNI's config for the default gateway" is then removed too),
 * and only the asking attachment gets new ones, via its gateways.
 *
 * Without `default-route`, KEP-3698's `isDefaultGW4`/`isDefaultGW6` (`defaultGatewayFamilies`)
 * apply: for each flagged family, every other attachment loses its default routes of that family
 * and the flagged one keeps those its plugins made (the KEP names no gateway to add).
 */
export function selectDefaultRoutePlans(
  attachments: ReadonlyArray<{ readonly defaultRoute?: readonly string[] | undefined; readonly defaultGatewayFamilies?: ReadonlyArray<4 | 6> | undefined }>,
): Array<DefaultRoutePlan | undefined> {
  // Multus: `isGatewayConfigured` is true when any delegate has a GatewayRequest, even `[]`.
  if (!attachments.some((a) => a.defaultRoute !== undefined)) return selectKepPlans(attachments);
  return attachments.map((attachment) => {
    const gateways = attachment.defaultRoute ?? [];
    const families = new Set(gateways.map((gw) => ipFamily(gw)));
    const asks = gateways.length > 0;
    // IsFilterV4Gateway = no IPv4 gateway asked; deleteV4gateway = filtered, or a gateway override.
    const removeFamilies = ([4, 6] as const).filter((family) => !families.has(family) || asks);
    return { removeFamilies, gateways: [...gateways] };
  });
}

/** KEP-3698: the flagged attachment keeps its family's default routes, the others lose them. */
function selectKepPlans(attachments: ReadonlyArray<{ readonly defaultGatewayFamilies?: ReadonlyArray<4 | 6> | undefined }>): Array<DefaultRoutePlan | undefined> {
  const flagged = new Set(attachments.flatMap((a) => a.defaultGatewayFamilies ?? []));
  if (flagged.size === 0) return attachments.map(() => undefined);
  return attachments.map((attachment) => {
    const own = new Set(attachment.defaultGatewayFamilies ?? []);
    const removeFamilies = ([4, 6] as const).filter((family) => flagged.has(family) && !own.has(family));
    return removeFamilies.length > 0 ? { removeFamilies, gateways: [] } : undefined;
  });
}
