/**
 * Fuzz (fast-check, fixed seeds) over what reaches the driver from outside: conf files, plugin
 * outputs, results, CNI_ARGS, cache files, checkpoint files and sandbox records. Each must end
 * in a value or a typed error with a stable code — never another exception, never a hang.
 * Selection annotations and network objects have their own property tests beside their parsers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHECKPOINT_ERROR_CODES } from '@multinet/checkpoint';
import { parseEnvelopeText } from '../packages/checkpoint/src/envelope.ts';
import {
  CNI_ERROR_CODES,
  isCniError,
  parseCacheRecord,
  parseCniArgs,
  formatCniArgs,
  parseNetworkConfigList,
  parsePluginOutcome,
  parsePodRecord,
  parseResult,
  parseVersionResult,
} from '@multinet/cni-driver';
import { checkPodRecord } from '../packages/cni-driver/src/attach/record-check.ts';

/** Seeds and runs are fixed: a failure names its seed and is reproduced by it. */
const RUNS = { seed: 20261202, numRuns: 400 } as const;

/** Runs `parse` and says how it ended: a value, or a typed error's code; anything else fails the property. */
function outcomeOf(parse: () => unknown): string {
  try {
    parse();
    return 'ok';
  } catch (error) {
    if (isCniError(error) && error.code in CNI_ERROR_CODES) return error.code;
    throw error;
  }
}

/** JSON texts shaped like CNI documents, with hostile values where fields go. */
const hostileValue = fc.oneof(
  fc.string(),
  fc.constantFrom('', '../../etc', '/bin/sh', 'a;b', 'x=y', '\u0000', '1.0.0', '0.2.0', '99.0.0', 'eth0', 'lo', 'noop'),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const cniLikeObject = fc.record(
  {
    cniVersion: hostileValue,
    cniVersions: fc.oneof(fc.array(hostileValue, { maxLength: 3 }), hostileValue),
    name: hostileValue,
    type: hostileValue,
    plugins: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('type', 'name', 'capabilities', 'ipam', 'x'), hostileValue), { maxLength: 3 }), hostileValue),
    disableCheck: hostileValue,
    disableGC: hostileValue,
    ips: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('address', 'gateway', 'interface', 'version'), hostileValue), { maxLength: 2 }), hostileValue),
    interfaces: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('name', 'mac', 'sandbox'), hostileValue), { maxLength: 2 }), hostileValue),
    code: hostileValue,
    msg: hostileValue,
    supportedVersions: fc.oneof(fc.array(hostileValue, { maxLength: 3 }), hostileValue),
  },
  { requiredKeys: [] },
);
const cniLikeText = fc.oneof(fc.string(), fc.json(), cniLikeObject.map((o) => JSON.stringify(o)));

describe('fuzzed inputs end in a value or a typed error', () => {
  it('conf files: parseNetworkConfigList', () => {
    fc.assert(fc.property(cniLikeText, (text) => void outcomeOf(() => parseNetworkConfigList(text, { file: '/etc/cni/net.d/fuzz.conflist' }))), RUNS);
  });

  it('results of every version: parseResult', () => {
    fc.assert(
      fc.property(cniLikeObject, fc.constantFrom('0.1.0', '0.2.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'), (value, cniVersion) => void outcomeOf(() => parseResult(value, { cniVersion }))),
      RUNS,
    );
  });

  it('VERSION answers: parseVersionResult', () => {
    fc.assert(fc.property(fc.oneof(cniLikeObject, fc.jsonValue()), (value) => void outcomeOf(() => parseVersionResult(value, 'fuzz'))), RUNS);
  });

  it('plugin outcomes of any exit, signal and output: parsePluginOutcome', () => {
    const outcome = fc.record({
      exitCode: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 255 })),
      signal: fc.oneof(fc.constant(null), fc.constantFrom('SIGKILL', 'SIGTERM', 'SIGSEGV')),
      stdout: cniLikeText,
      stderr: fc.string(),
      timedOut: fc.boolean(),
      aborted: fc.boolean(),
      outputTooLarge: fc.boolean(),
    });
    fc.assert(
      fc.property(outcome, fc.constantFrom('ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'), (run, command) =>
        void outcomeOf(() => parsePluginOutcome({ plugin: 'noop', command, network: 'fuzz', ifName: 'eth0', containerId: 'c1' }, run)),
      ),
      RUNS,
    );
  });

  it('CNI_ARGS: parseCniArgs, and formatCniArgs never builds what parseCniArgs refuses', () => {
    fc.assert(fc.property(fc.string(), (text) => void outcomeOf(() => parseCniArgs(text))), RUNS);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 4 }), (pairs) => {
        let text: string;
        try {
          text = formatCniArgs(pairs);
        } catch (error) {
          expect(isCniError(error) && error.code).toBe('CNI_ARGS_INVALID');
          return;
        }
        const nonEmpty = pairs.every(([, v]) => v !== '');
        if (nonEmpty && pairs.length > 0) expect(parseCniArgs(text)).toEqual(pairs);
      }),
      RUNS,
    );
  });

  it('libcni cache files: parseCacheRecord', () => {
    fc.assert(fc.property(cniLikeText, (text) => void outcomeOf(() => parseCacheRecord(text, '/var/lib/cni/results/fuzz'))), RUNS);
  });

  it('checkpoint files: the envelope check answers for any bytes', () => {
    const expect_ = { kind: 'podCheckpoint', version: 1 };
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.record({ kind: hostileValue, version: hostileValue, checksum: hostileValue, data: fc.jsonValue() }).map((o) => JSON.stringify(o))), (text) => {
        const outcome = parseEnvelopeText(text, expect_);
        expect(outcome.ok || outcome.code in CHECKPOINT_ERROR_CODES).toBe(true);
      }),
      RUNS,
    );
  });

  it('sandbox records: parsePodRecord then the record check, under any key', () => {
    const attachment = fc.record({
      network: hostileValue,
      networkName: hostileValue,
      ifName: hostileValue,
      isDefault: hostileValue,
      source: fc.oneof(fc.constantFrom('conf', 'thick', 'loopback', 'object'), hostileValue),
      configText: cniLikeText,
      cniVersion: hostileValue,
      cniArgs: fc.oneof(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 2 }), hostileValue),
      capabilityArgs: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), hostileValue),
      state: fc.oneof(fc.constantFrom('planned', 'adding', 'added', 'deleting', 'del-failed'), hostileValue),
      delAttempts: fc.oneof(fc.nat(), hostileValue),
    });
    const record = fc.record({
      sandboxId: hostileValue,
      netns: fc.oneof(fc.constantFrom('/var/run/netns/x', '/proc/self/ns/net', 'relative', ''), hostileValue),
      pod: fc.record({ namespace: hostileValue, name: hostileValue, uid: hostileValue }),
      phase: fc.oneof(fc.constantFrom('setting-up', 'ready', 'tearing-down'), hostileValue),
      createdAt: hostileValue,
      updatedAt: hostileValue,
      attachments: fc.array(attachment, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(record, fc.string(), (value, key) => {
        try {
          checkPodRecord(parsePodRecord(value), key);
        } catch (error) {
          // The record check's own refusals are plain Errors naming the field; both quarantine.
          if (isCniError(error) && error.code in CNI_ERROR_CODES) return;
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toMatch(/record|netns|attachment|sandbox/);
        }
      }),
      RUNS,
    );
  });
});
