/**
 * CNI result schemas of the three families: 0.1.0/0.2.0, 0.3.x/0.4.0, 1.x. Loose: plugins may
 * add fields, and those are kept.
 */
import { z } from 'zod';

const RouteSchema = z.looseObject({
  dst: z.string(),
  gw: z.string().optional(),
});

const Route100Schema = RouteSchema.extend({
  mtu: z.number().optional(),
  advmss: z.number().optional(),
  priority: z.number().optional(),
  table: z.number().optional(),
  scope: z.number().optional(),
});

const DnsSchema = z.looseObject({
  nameservers: z.array(z.string()).optional(),
  domain: z.string().optional(),
  search: z.array(z.string()).optional(),
  options: z.array(z.string()).optional(),
});

const IpConfig020Schema = z.looseObject({
  ip: z.string(),
  gateway: z.string().optional(),
  routes: z.array(RouteSchema).optional(),
});

/** Result of spec 0.1.0 and 0.2.0. */
export const Result020Schema = z.looseObject({
  cniVersion: z.string(),
  ip4: IpConfig020Schema.optional(),
  ip6: IpConfig020Schema.optional(),
  dns: DnsSchema.optional(),
});
/** Result of spec 0.1.0 and 0.2.0. */
export type Result020 = z.infer<typeof Result020Schema>;

const Interface040Schema = z.looseObject({
  name: z.string(),
  mac: z.string().optional(),
  sandbox: z.string().optional(),
});

/** Result of spec 0.3.0, 0.3.1 and 0.4.0. */
export const Result040Schema = z.looseObject({
  cniVersion: z.string(),
  interfaces: z.array(Interface040Schema).optional(),
  ips: z
    .array(
      z.looseObject({
        version: z.enum(['4', '6']),
        interface: z.number().int().nonnegative().optional(),
        address: z.string(),
        gateway: z.string().optional(),
      }),
    )
    .optional(),
  routes: z.array(RouteSchema).optional(),
  dns: DnsSchema.optional(),
});
/** Result of spec 0.3.0, 0.3.1 and 0.4.0. */
export type Result040 = z.infer<typeof Result040Schema>;

/** Result of spec 1.0.0 and 1.1.0. */
export const Result100Schema = z.looseObject({
  cniVersion: z.string(),
  interfaces: z
    .array(
      Interface040Schema.extend({
        mtu: z.number().optional(),
        socketPath: z.string().optional(),
        pciID: z.string().optional(),
      }),
    )
    .optional(),
  ips: z
    .array(
      z.looseObject({
        interface: z.number().int().nonnegative().optional(),
        address: z.string(),
        gateway: z.string().optional(),
      }),
    )
    .optional(),
  routes: z.array(Route100Schema).optional(),
  dns: DnsSchema.optional(),
});
/** Result of spec 1.0.0 and 1.1.0. */
export type Result100 = z.infer<typeof Result100Schema>;

/** A result of any supported version. */
export type CniResult = Result020 | Result040 | Result100;

/** The three result families. */
export type ResultFamily = '020' | '040' | '100';
