/**
 * The result side of an attachment's default-route plan: the recorded ADD result is edited as
 * the namespace is, so that status, CHECK and DEL see the routes the pod really has (Multus
 * edits libcni's cache the same way: `DeleteDefaultGWCache`, `AddDefaultGWCache`). Pure.
 */
import type { DefaultRoutePlan } from './attachment.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The family of a default-route destination (`0.0.0.0/0`, `::/0`, `::0/0`, …), else undefined. */
function defaultRouteFamily(dst: unknown): 4 | 6 | undefined {
  if (typeof dst !== 'string') return undefined;
  const [address = '', prefix] = dst.split('/');
  if (prefix !== '0') return undefined;
  if (/^0+(\.0+){3}$/.test(address)) return 4;
  // Multus compares with the text "::0/0" only; every spelling of the IPv6 zero address is taken here.
  if (address.includes(':') && /^[0:]+$/.test(address)) return 6;
  return undefined;
}

const familyOf = (gateway: string): 4 | 6 => (gateway.includes(':') ? 6 : 4);

function editRoutes(routes: unknown, remove: ReadonlySet<4 | 6>, add: readonly string[]): unknown[] | undefined {
  const kept = (Array.isArray(routes) ? routes : []).filter((route) => {
    const family = isObject(route) ? defaultRouteFamily(route['dst']) : undefined;
    return family === undefined || !remove.has(family);
  });
  const added = add.map((gw) => ({ dst: familyOf(gw) === 4 ? '0.0.0.0/0' : '::/0', gw }));
  const all = [...kept, ...added];
  return all.length > 0 ? all : undefined;
}

/**
 * `result` (in its own cniVersion's shape) with the plan's default routes removed and added:
 * `routes` for 0.3.0 and later, `ip4.routes`/`ip6.routes` for 0.1.0/0.2.0. Other routes and
 * fields are kept as they are. The input is not changed.
 */
export function editDefaultRoutesInResult(result: Readonly<Json>, plan: DefaultRoutePlan): Json {
  const remove = new Set(plan.removeFamilies);
  const version = result['cniVersion'];
  if (version === undefined || version === '0.1.0' || version === '0.2.0') {
    const out: Json = { ...result };
    for (const [key, family] of [['ip4', 4], ['ip6', 6]] as const) {
      const section = out[key];
      if (!isObject(section)) continue;
      const routes = editRoutes(section['routes'], remove.has(family) ? new Set([family]) : new Set(), plan.gateways.filter((gw) => familyOf(gw) === family));
      const { routes: _old, ...rest } = section;
      out[key] = routes ? { ...rest, routes } : rest;
    }
    return out;
  }
  const { routes: old, ...rest } = result;
  const routes = editRoutes(old, remove, plan.gateways);
  return routes ? { ...rest, routes } : rest;
}
