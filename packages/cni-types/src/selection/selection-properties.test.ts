/**
 * Property tests over every selection parser and every object parser: arbitrary strings and JSON
 * never throw anything but a typed CniError, and every message names the annotation (or pod
 * field, or object) and the field.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isCniError } from '../errors.ts';
import { parseAnyNetworkObject } from '../objects/network-objects.ts';
import { parsePodNetworkRequest } from './network-selection.ts';

const ANNOTATIONS = [
  'alpha.network.k8s.io/networks',
  'k8s.v1.cni.cncf.io/networks',
  'v1.multus-cni.io/default-network',
  'networks',
  'cni',
  'danm.k8s.io/interfaces',
] as const;

/** Strings that look like what users write: names, separators, JSON fragments. */
const selectionText = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[a-zA-Z0-9_./@, -]{0,40}$/),
  fc.json(),
  fc.jsonValue().map((v) => JSON.stringify([v])),
  fc
    .array(
      fc.record(
        {
          name: fc.oneof(fc.string(), fc.constantFrom('a', 'db-net', 'Bad_Name')),
          namespace: fc.oneof(fc.string(), fc.constant('x')),
          interface: fc.string(),
          ips: fc.array(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4().map((ip) => `${ip}/24`))),
          mac: fc.oneof(fc.string(), fc.mixedCase(fc.constant('02:00:00:00:00:01'))),
          portMappings: fc.array(fc.record({ hostPort: fc.oneof(fc.integer(), fc.string()), containerPort: fc.integer(), protocol: fc.string() }, { requiredKeys: [] })),
          bandwidth: fc.jsonValue(),
          'cni-args': fc.jsonValue(),
          'default-route': fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())),
          'infiniband-guid': fc.string(),
          network: fc.string(),
          ip: fc.oneof(fc.constantFrom('dynamic', 'none', '10.250.96.1/24'), fc.string()),
          tenantNetwork: fc.string(),
        },
        { requiredKeys: [] },
      ),
    )
    .map((list) => JSON.stringify(list)),
);

/** Names the field: every SELECTION_INVALID carries the failing field in `issues`. */
function expectTypedAndNamed(error: unknown, where: readonly string[]): void {
  if (!isCniError(error)) throw error;
  expect(['SELECTION_INVALID', 'SELECTION_UNSUPPORTED', 'INTERFACE_NAME_INVALID', 'INTERFACE_NAME_CONFLICT']).toContain(error.code);
  expect(where.some((w) => error.message.includes(w))).toBe(true);
  expect(error.details.issues?.[0]?.path ?? error.details.ifName).toBeTruthy();
}

describe('selection parsers under arbitrary input', () => {
  it.each(ANNOTATIONS)('%s: any text parses or fails with a typed error naming the annotation and the field', (key) => {
    fc.assert(
      fc.property(selectionText, (text) => {
        try {
          parsePodNetworkRequest({ namespace: 'default', annotations: { [key]: text } });
        } catch (error) {
          expectTypedAndNamed(error, [`${key} annotation`, 'k8s.v1.cni.cncf.io/networks annotation']);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('spec.networks: any JSON parses or fails with a typed error naming spec.networks and the field', () => {
    const entry = fc.record(
      { podNetworkName: fc.oneof(fc.string(), fc.constant('default')), podNetworkAttachmentName: fc.string(), interfaceName: fc.oneof(fc.string(), fc.constant('net1')), isDefaultGW4: fc.oneof(fc.boolean(), fc.jsonValue()), isDefaultGW6: fc.boolean() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.oneof(entry, fc.jsonValue())), fc.jsonValue()), (networks) => {
        try {
          parsePodNetworkRequest({ namespace: 'default', networks: networks as unknown[] });
        } catch (error) {
          expectTypedAndNamed(error, ['pod spec.networks: spec.networks']);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('object parsers under arbitrary input', () => {
  it.each(['Network', 'NetworkAttachmentDefinition', 'PodNetwork', 'PodNetworkAttachment'])('%s: any object parses or fails with NETWORK_OBJECT_INVALID naming the kind and a field', (kind) => {
    const apiVersion = fc.constantFrom('alpha.network.k8s.io/v1', 'kubernetes.com/v1', 'k8s.cni.cncf.io/v1', 'v1', 'x/y');
    const object = fc.record(
      {
        apiVersion,
        kind: fc.constant(kind),
        metadata: fc.oneof(fc.record({ name: fc.oneof(fc.string(), fc.constant('n')), namespace: fc.string() }, { requiredKeys: [] }), fc.jsonValue()),
        spec: fc.oneof(fc.jsonValue(), fc.record({ config: fc.oneof(fc.string(), fc.json()), plugin: fc.string(), enabled: fc.jsonValue(), podNetworkName: fc.string(), parametersRefs: fc.jsonValue() }, { requiredKeys: [] })),
        plugin: fc.jsonValue(),
        args: fc.oneof(fc.string(), fc.json()),
      },
      { requiredKeys: ['kind'] },
    );
    fc.assert(
      fc.property(object, (value) => {
        try {
          parseAnyNetworkObject(value);
        } catch (error) {
          if (!isCniError(error)) throw error;
          expect(error.code).toBe('NETWORK_OBJECT_INVALID');
          expect(error.message).toMatch(new RegExp(`^invalid (${kind}|Network \\(kubernetes\\.com/v1\\)|network object)`));
          expect(error.details.issues?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
