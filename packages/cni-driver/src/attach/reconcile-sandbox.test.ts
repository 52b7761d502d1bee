/**
 * reconcileSandbox through its ports: plugins run by an in-memory executor (scripted per command
 * and network), records in an in-memory record book, default routes through a recording editor,
 * the namespace a plain file (no real namespace is touched).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChainContext } from '../chain/chain-context.ts';
import type { PluginExecOutcome, PluginExecRequest, PluginExecutor } from '../invoke/plugin-executor.ts';
import type { Logger } from '../internal/logger.ts';
import type { PlannedAttachment } from './attachment.ts';
import { buildReconcileReport, reconcileSandbox, type ReconcileContext, type SandboxTarget } from './reconcile-sandbox.ts';
import type { RecordBook } from './record-book.ts';
import { createRetryBackoff } from './retry-backoff.ts';
import type { DefaultRouteEditor } from './route-editor.ts';
import { buildAttachmentRecord, type AttachmentRecord, type PodRecord } from './sandbox-record.ts';
import { installFakeNsenter, type FakeNsenter } from '../../../../test/support/fake-nsenter.ts';

interface PluginCall {
  readonly command: string;
  readonly network: string;
  readonly type: string;
  readonly ifName: string;
  readonly containerId: string;
  readonly netns: string;
  readonly args: string;
  readonly stdin: Record<string, unknown>;
  readonly ctx: string;
}
type Answer = { fail: { code: number; msg: string } } | { result: Record<string, unknown> } | { throw: unknown } | undefined;

const ok = (stdout = ''): PluginExecOutcome => ({ exitCode: 0, signal: null, stdout, stderr: '', timedOut: false, aborted: false, outputTooLarge: false });

/** An executor whose answers are scripted per `<COMMAND> <network>` (default: success). */
function createScriptedExecutor(calls: PluginCall[], script: Map<string, Answer[]>, name: string): PluginExecutor {
  return {
    async execPlugin(request: PluginExecRequest) {
      const stdin = JSON.parse(request.stdin) as Record<string, unknown>;
      const command = request.env['CNI_COMMAND']!;
      const network = String(stdin['name']);
      calls.push({
        command,
        network,
        type: String(stdin['type']),
        ifName: request.env['CNI_IFNAME']!,
        containerId: request.env['CNI_CONTAINERID']!,
        netns: request.env['CNI_NETNS']!,
        args: request.env['CNI_ARGS']!,
        stdin,
        ctx: name,
      });
      const queue = script.get(`${command} ${network}`);
      const answer = queue && queue.length > 1 ? queue.shift() : queue?.[0];
      if (answer && 'throw' in answer) throw answer.throw;
      if (answer && 'fail' in answer) return { ...ok(JSON.stringify({ cniVersion: '1.0.0', ...answer.fail })), exitCode: 1 };
      if (command === 'ADD') {
        const ip = `10.250.${calls.length}.5/24`;
        return ok(JSON.stringify(answer?.result ?? { cniVersion: String(stdin['cniVersion']), interfaces: [{ name: request.env['CNI_IFNAME'], sandbox: request.env['CNI_NETNS'] }], ips: [{ address: ip, interface: 0 }] }));
      }
      return ok();
    },
  };
}

/** A record book in memory that keeps every write. */
function createMemoryBook(): RecordBook & { writes: PodRecord[]; removed: string[]; store: Map<string, PodRecord>; failWrites: boolean } {
  const store = new Map<string, PodRecord>();
  const book = {
    writes: [] as PodRecord[],
    removed: [] as string[],
    store,
    failWrites: false,
    async read(id: string) {
      return store.get(id);
    },
    async write(record: PodRecord) {
      if (book.failWrites) throw Object.assign(new Error('disk full'), { code: 'RECORD_WRITE_FAILED' });
      book.writes.push(structuredClone(record));
      store.set(record.sandboxId, structuredClone(record));
    },
    async remove(id: string) {
      book.removed.push(id);
      store.delete(id);
    },
    async list() {
      return { records: [...store.values()], problems: [] };
    },
    async close() {},
    get heldInMemory() {
      return store.size;
    },
  };
  return book;
}

const conf = (name: string, cniVersion = '1.0.0', types = ['noop']): string => JSON.stringify({ cniVersion, name, plugins: types.map((type) => ({ type })) });
const planned = (network: string, ifName: string, patch: Partial<PlannedAttachment> = {}): PlannedAttachment => {
  const networkName = network.split('/').pop()!;
  return {
    network,
    networkName,
    ifName,
    isDefault: false,
    configText: conf(networkName),
    cniVersion: '1.0.0',
    cniArgs: [['K8S_POD_NAME', 'p']],
    capabilityArgs: {},
    source: 'object',
    ...patch,
  };
};

let dir: string;
let netns: string;
let calls: PluginCall[];
let script: Map<string, Answer[]>;
let book: ReturnType<typeof createMemoryBook>;
let clock: number;
let warnings: Array<{ obj: Record<string, unknown>; msg: string | undefined }>;
let routeCalls: unknown[][];
let ctx: ReconcileContext & { backoff: ReturnType<typeof createRetryBackoff> };

const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => void warnings.push({ obj: obj as Record<string, unknown>, msg }),
  error: () => undefined,
  child: () => logger,
};

const chainContext = (name: string): ChainContext => ({
  executor: createScriptedExecutor(calls, script, name),
  pluginDirs: [],
  knownPluginPath: (type) => `/fake/${type}`,
  cacheDir: join(dir, 'cache'),
  timeoutMs: 5_000,
  killGraceMs: 100,
  maxOutputBytes: 1 << 20,
  baseEnv: {},
  logger,
  writeResultCache: false,
});

const sandbox = (patch: Partial<SandboxTarget> = {}): SandboxTarget => ({ sandboxId: 'sb1', netns, pod: { namespace: 'ns', name: 'p', uid: 'u1' }, ...patch });
const fail = (key: string, msg = 'no lease', code = 100): void => void script.set(key, [{ fail: { code, msg } }]);
const callsOf = (command: string): string[] => calls.filter((c) => c.command === command).map((c) => `${c.network}/${c.ifName}`);
const states = (record: PodRecord | undefined): string[] => (record?.attachments ?? []).map((a) => `${a.ifName}:${a.state}${a.isDefault ? '*' : ''}`);
const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-reconcile-'));
  netns = join(dir, 'netns');
  await writeFile(netns, '');
  calls = [];
  script = new Map();
  book = createMemoryBook();
  clock = 0;
  warnings = [];
  routeCalls = [];
  const routes: DefaultRouteEditor = {
    async deleteDefaultRoutes(...args) {
      routeCalls.push(['delete', ...args]);
    },
    async addDefaultRoutes(...args) {
      routeCalls.push(['add', ...args]);
    },
  };
  ctx = {
    chain: chainContext('chain'),
    cleanup: chainContext('cleanup'),
    records: book,
    backoff: createRetryBackoff({ initialMs: 1_000, maxMs: 8_000 }),
    verified: new Set(),
    logger,
    now: () => new Date(Date.UTC(2026, 0, 1) + clock),
    routes,
  };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const eth0 = planned('default', 'eth0', { isDefault: true, source: 'conf' });
const net1 = planned('ns/alpha', 'net1');
const net2 = planned('ns/beta', 'net2');

describe('a first setup', () => {
  it('ADDs every wanted attachment in order with its runtime values, and records it ready', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(calls.map((c) => `${c.ctx} ${c.command} ${c.network} ${c.ifName} ${c.containerId} ${c.netns} ${c.args}`)).toEqual([
      `chain ADD default eth0 sb1 ${netns} K8S_POD_NAME=p`,
      `chain ADD alpha net1 sb1 ${netns} K8S_POD_NAME=p`,
    ]);
    expect(outcome.added).toEqual([{ network: 'default', ifName: 'eth0' }, { network: 'ns/alpha', ifName: 'net1' }]);
    expect(outcome.removed).toEqual([]);
    expect(outcome.repaired).toEqual([]);
    expect(outcome.failed).toEqual([]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.record).toEqual(book.store.get('sb1'));
    expect(outcome.record).toMatchObject({ sandboxId: 'sb1', netns, pod: { namespace: 'ns', name: 'p', uid: 'u1' }, phase: 'ready', createdAt: at(0), updatedAt: at(0) });
    expect(states(outcome.record)).toEqual(['eth0:added*', 'net1:added']);
    expect(outcome.record?.attachments[1]?.result).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '10.250.2.5/24' }] });
    expect(ctx.verified.has('sb1')).toBe(true);
    expect('selection' in outcome.record!).toBe(false);
  });

  it('writes every ADD intent (not yet a default) before the first ADD, then each result', async () => {
    await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(book.writes.map((w) => `${w.phase} ${states(w).join(',')}`)).toEqual([
      'setting-up eth0:adding,net1:adding',
      'setting-up eth0:added*,net1:adding',
      'ready eth0:added*,net1:added',
    ]);
    expect(book.writes[0]!.attachments[0]).toEqual({ ...buildAttachmentRecord(eth0, 'adding'), isDefault: false });
  });

  it('passes the capability args and CNI args of each attachment to its plugins', async () => {
    await reconcileSandbox(ctx, sandbox(), [planned('ns/alpha', 'net1', { capabilityArgs: { mac: '02:00:00:00:00:09' }, configText: JSON.stringify({ cniVersion: '1.0.0', name: 'alpha', plugins: [{ type: 'noop', capabilities: { mac: true } }] }) })]);
    expect(calls[0]?.stdin['runtimeConfig']).toEqual({ mac: '02:00:00:00:00:09' });
  });

  it('keeps the selection format of the request in the record', async () => {
    const selection = { format: 'npwg' as const, ignored: [] };
    const outcome = await reconcileSandbox(ctx, sandbox({ selection }), [net1]);
    expect(outcome.record?.selection).toEqual(selection);
  });

  it('rolls every ADD back in reverse when one fails, removes the record and throws POD_SETUP_FAILED', async () => {
    fail('ADD beta', 'no lease', 100);
    const error = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'POD_SETUP_FAILED',
      message: expect.stringMatching(/^pod ns\/p: ADD of network "ns\/beta" \(interface net2, plugins noop\) failed, rolled back: .*no lease/),
      details: expect.objectContaining({ pod: 'ns/p', network: 'ns/beta', ifName: 'net2', containerId: 'sb1', plugin: 'noop', pluginCode: 100 }),
    });
    expect((error as Error).cause).toMatchObject({ code: 'PLUGIN_FAILED' });
    expect(calls.map((c) => `${c.ctx} ${c.command} ${c.network}`)).toEqual(['chain ADD default', 'chain ADD alpha', 'chain ADD beta', 'cleanup DEL beta', 'cleanup DEL alpha', 'cleanup DEL default']);
    expect(book.removed).toEqual(['sb1']);
    expect(book.store.has('sb1')).toBe(false);
    expect(ctx.verified.has('sb1')).toBe(false);
    expect(warnings).toContainEqual({ obj: expect.objectContaining({ sandboxId: 'sb1', network: 'ns/beta', ifName: 'net2', error: expect.objectContaining({ code: 'PLUGIN_FAILED' }) }), msg: 'ADD failed' });
  });

  it('keeps what the rollback could not DEL in a setting-up record, and says so', async () => {
    fail('ADD beta');
    fail('DEL alpha', 'busy');
    const error = await reconcileSandbox(ctx, sandbox(), [net1, net2, planned('ns/gamma', 'net3')]).catch((e: unknown) => e);
    expect(callsOf('ADD')).toEqual(['alpha/net1', 'beta/net2']);
    expect(callsOf('DEL')).toEqual(['beta/net2', 'alpha/net1']);
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', message: expect.stringContaining('failed, rollback left 1 attachment(s) for retry: ') });
    expect(book.removed).toEqual([]);
    const kept = book.store.get('sb1')!;
    expect(kept.phase).toBe('setting-up');
    expect(states(kept)).toEqual(['net1:del-failed']);
    expect(kept.attachments[0]).toMatchObject({ delAttempts: 1, error: { code: 'PLUGIN_FAILED', message: expect.stringContaining('busy') } });
  });

  it('a plugin failure without a CNI error code gives no pluginCode, and a bad config names no plugins', async () => {
    const broken = planned('ns/alpha', 'net1', { configText: '{"cniVersion":"1.0.0","name":"alpha","plugins":[]}' });
    const error = await reconcileSandbox(ctx, sandbox(), [broken]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'POD_SETUP_FAILED', message: expect.stringContaining('(interface net1, plugins ?) failed, rollback left 1 attachment(s) for retry: '), details: expect.objectContaining({ plugin: '?', pluginCode: undefined }) });
    expect((error as Error).cause).toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('finishes a first setup interrupted by a crash: DELs every recorded attachment in reverse, then ADDs again', async () => {
    const interrupted: PodRecord = {
      sandboxId: 'sb1',
      netns,
      pod: { namespace: 'ns', name: 'p', uid: 'u1' },
      phase: 'setting-up',
      createdAt: at(-5_000),
      updatedAt: at(-5_000),
      attachments: [buildAttachmentRecord(eth0, 'added'), buildAttachmentRecord(net1, 'adding')],
    };
    book.store.set('sb1', interrupted);
    clock = 1_000;
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(calls.map((c) => `${c.command} ${c.network}`)).toEqual(['DEL alpha', 'DEL default', 'ADD default', 'ADD alpha']);
    expect(book.writes[0]!.attachments.map((a) => `${a.ifName}:${a.state}`)).toEqual(['eth0:deleting', 'net1:deleting', 'eth0:adding', 'net1:adding']);
    expect(outcome.record).toMatchObject({ phase: 'ready', createdAt: at(-5_000), updatedAt: at(1_000) });
    expect(states(outcome.record)).toEqual(['eth0:added*', 'net1:added']);
    expect(outcome.removed).toEqual([{ network: 'ns/alpha', ifName: 'net1' }, { network: 'default', ifName: 'eth0' }]);
  });

  it('throws POD_SETUP_FAILED without ADDing anything while a recorded attachment cannot be DELeted', async () => {
    const left: PodRecord = {
      sandboxId: 'sb1',
      netns,
      pod: { namespace: 'ns', name: 'p', uid: 'u1' },
      phase: 'setting-up',
      createdAt: at(0),
      updatedAt: at(0),
      attachments: [{ ...buildAttachmentRecord(net1, 'del-failed'), delAttempts: 2 }],
    };
    book.store.set('sb1', left);
    fail('DEL alpha', 'still busy');
    const error = await reconcileSandbox(ctx, sandbox(), [net1, net2]).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'POD_SETUP_FAILED',
      message: expect.stringMatching(/^pod ns\/p: sandbox sb1 still has attachments whose DEL fails: DEL of network "ns\/alpha" \(interface net1, plugins noop\) for pod ns\/p failed: .*still busy/),
      details: expect.objectContaining({ pod: 'ns/p', containerId: 'sb1' }),
    });
    expect((error as Error).cause).toBeInstanceOf(AggregateError);
    expect(callsOf('ADD')).toEqual([]);
    const kept = book.store.get('sb1')!;
    expect(kept.phase).toBe('setting-up');
    expect(states(kept)).toEqual(['net1:del-failed']);
    expect(kept.attachments[0]).toMatchObject({ delAttempts: 3 });
  });

  it('names every attachment whose DEL fails in a first setup that cannot start', async () => {
    book.store.set('sb1', {
      sandboxId: 'sb1',
      netns,
      pod: { namespace: 'ns', name: 'p', uid: 'u1' },
      phase: 'setting-up',
      createdAt: at(0),
      updatedAt: at(0),
      attachments: [buildAttachmentRecord(net1, 'del-failed'), buildAttachmentRecord(net2, 'del-failed')],
    });
    fail('DEL alpha', 'busy a');
    fail('DEL beta', 'busy b');
    const error = await reconcileSandbox(ctx, sandbox(), [net1]).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/whose DEL fails: DEL of network "ns\/beta" .*busy b.*; DEL of network "ns\/alpha" .*busy a/);
  });

  it('ignores the backoff of a first setup: its ADDs are made at once', async () => {
    ctx.backoff.recordFailure('sb1', net1, { code: 'PLUGIN_FAILED', message: 'earlier' }, new Date(Date.UTC(2026, 0, 1)));
    const outcome = await reconcileSandbox(ctx, sandbox(), [net1]);
    expect(callsOf('ADD')).toEqual(['alpha/net1']);
    expect(outcome.failed).toEqual([]);
  });

  it('makes an attachment wanted twice twice, and records each copy once', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), [net1, net1]);
    expect(callsOf('ADD')).toEqual(['alpha/net1', 'alpha/net1']);
    expect(states(outcome.record)).toEqual(['net1:added', 'net1:added']);
    expect(outcome.record?.attachments[0]?.result).not.toEqual(outcome.record?.attachments[1]?.result);
  });

  it('records the phase change of a record with nothing attached before removing it', async () => {
    book.store.set('sb1', { sandboxId: 'sb1', netns, pod: { namespace: 'ns', name: 'p', uid: 'u1' }, phase: 'ready', createdAt: at(0), updatedAt: at(0), attachments: [] });
    const outcome = await reconcileSandbox(ctx, sandbox(), []);
    expect(book.writes.map((w) => w.phase)).toEqual(['tearing-down']);
    expect(book.removed).toEqual(['sb1']);
    expect(outcome.record).toBeUndefined();
  });
});

describe('a running sandbox', () => {
  beforeEach(async () => {
    await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    calls.length = 0;
    book.writes.length = 0;
  });

  it('changes nothing and writes nothing when everything wanted is there', async () => {
    clock = 5_000;
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(calls).toEqual([]);
    expect(book.writes).toEqual([]);
    expect(outcome.record).toMatchObject({ updatedAt: at(0) });
    expect(outcome).toMatchObject({ added: [], removed: [], failed: [], errors: [] });
  });

  it('writes the record again when only the selection format changed', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox({ selection: { format: 'npwg', ignored: [] } }), [eth0, net1]);
    expect(book.writes).toHaveLength(1);
    expect(outcome.record?.selection).toEqual({ format: 'npwg', ignored: [] });
    await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(book.store.get('sb1')?.selection).toEqual({ format: 'npwg', ignored: [] });
  });

  it('ADDs a new attachment and DELs an unwanted one with its recorded config, leaving the rest alone', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net2]);
    expect(calls.map((c) => `${c.ctx} ${c.command} ${c.network} ${c.ifName}`)).toEqual(['cleanup DEL alpha net1', 'chain ADD beta net2']);
    expect(outcome.added).toEqual([{ network: 'ns/beta', ifName: 'net2' }]);
    expect(outcome.removed).toEqual([{ network: 'ns/alpha', ifName: 'net1' }]);
    expect(states(outcome.record)).toEqual(['eth0:added*', 'net2:added']);
    expect(book.writes.map((w) => `${w.phase} ${states(w).join(',')}`)).toEqual(['ready eth0:added*,net1:deleting,net2:adding', 'ready eth0:added*,net2:added']);
    expect(book.writes[0]!.attachments[1]).not.toHaveProperty('error');
  });

  it('orders the record as wanted, leftovers after', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), [net1, eth0]);
    expect(calls).toEqual([]);
    expect(states(outcome.record)).toEqual(['net1:added', 'eth0:added*']);
  });

  it('DELs a failed new attachment, reports it with its backoff, and keeps the others working', async () => {
    fail('ADD beta', 'no lease');
    clock = 1_000;
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]);
    expect(calls.map((c) => `${c.ctx} ${c.command} ${c.network}`)).toEqual(['chain ADD beta', 'cleanup DEL beta']);
    expect(outcome.failed).toEqual([{ name: 'ns/beta', interface: 'net2', code: 'PLUGIN_FAILED', message: expect.stringContaining('no lease'), attempts: 1, retryAfter: at(2_000) }]);
    expect(outcome.added).toEqual([]);
    expect(outcome.removed).toEqual([]);
    expect(outcome.errors).toEqual([]);
    expect(outcome.record?.phase).toBe('ready');
    expect(states(outcome.record)).toEqual(['eth0:added*', 'net1:added']);
    expect(states(book.writes.at(-1))).toEqual(['eth0:added*', 'net1:added']);
    expect(book.writes.map((w) => w.phase)).toEqual(['ready', 'ready']);
    expect(buildReconcileReport(outcome, ctx.backoff, 'sb1')).toEqual({
      added: [],
      removed: [],
      repaired: [],
      failed: outcome.failed,
      status: expect.objectContaining({ sandboxId: 'sb1', netns, failures: [expect.objectContaining({ name: 'ns/beta', attempts: 1 })] }),
    });

    // Within its backoff it waits; after it, it is tried again.
    calls.length = 0;
    clock = 1_500;
    const waiting = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]);
    expect(calls).toEqual([]);
    expect(waiting.failed).toEqual([expect.objectContaining({ name: 'ns/beta', attempts: 1 })]);
    clock = 2_000;
    const retried = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]);
    expect(callsOf('ADD')).toEqual(['beta/net2']);
    expect(retried.failed).toEqual([expect.objectContaining({ attempts: 2, retryAfter: at(4_000) })]);

    // A success forgets the failures.
    script.clear();
    clock = 4_000;
    const made = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]);
    expect(made.added).toEqual([{ network: 'ns/beta', ifName: 'net2' }]);
    expect(ctx.backoff.list('sb1')).toEqual([]);
  });

  it('reports an executor that breaks down as a PLUGIN_FAILED failure with its message', async () => {
    script.set('ADD beta', [{ throw: new Error('spawn broke') }]);
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]);
    expect(outcome.failed).toEqual([expect.objectContaining({ code: 'PLUGIN_FAILED', message: 'spawn broke' })]);
    script.set('ADD beta', [{ throw: 'kaput' }]);
    clock = 60_000;
    const again = await reconcileSandbox(ctx, sandbox(), [eth0, net1, net2]);
    expect(again.failed).toEqual([expect.objectContaining({ code: 'PLUGIN_FAILED', message: 'kaput', attempts: 2 })]);
  });

  it('forgets the failures of an attachment that is no longer wanted', async () => {
    ctx.backoff.recordFailure('sb1', net1, { code: 'X', message: 'y' }, new Date(0));
    ctx.backoff.recordFailure('sb1', net2, { code: 'X', message: 'y' }, new Date(0));
    await reconcileSandbox(ctx, sandbox(), [eth0]);
    expect(ctx.backoff.list('sb1').map((f) => f.name)).toEqual(['ns/beta']);
  });

  it('keeps a failed DEL of an unwanted attachment as del-failed with its error, and retries it first next time', async () => {
    fail('DEL alpha', 'busy');
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0]);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({
      code: 'POD_TEARDOWN_FAILED',
      message: expect.stringMatching(/^DEL of network "ns\/alpha" \(interface net1, plugins noop\) for pod ns\/p failed: .*busy/),
      details: expect.objectContaining({ network: 'ns/alpha', ifName: 'net1', containerId: 'sb1', pod: 'ns/p' }),
    });
    expect(outcome.errors[0]?.cause).toMatchObject({ code: 'PLUGIN_FAILED' });
    expect(outcome.removed).toEqual([]);
    expect(states(outcome.record)).toEqual(['eth0:added*', 'net1:del-failed']);
    expect(outcome.record?.attachments[1]).toMatchObject({ delAttempts: 1, error: { code: 'PLUGIN_FAILED' } });
    expect(outcome.record?.phase).toBe('ready');

    calls.length = 0;
    book.writes.length = 0;
    const again = await reconcileSandbox(ctx, sandbox(), [eth0]);
    expect(callsOf('DEL')).toEqual(['alpha/net1']);
    expect(states(book.writes[0])).toEqual(['eth0:added*', 'net1:del-failed']);
    expect(again.record?.attachments[1]).toMatchObject({ state: 'del-failed', delAttempts: 2 });
    script.clear();
    const done = await reconcileSandbox(ctx, sandbox(), [eth0]);
    expect(states(done.record)).toEqual(['eth0:added*']);
    expect(done.removed).toEqual([{ network: 'ns/alpha', ifName: 'net1' }]);
  });

  it('switches the default: the new one is made before the old one goes, and the old one\'s IPs stop being the pod\'s', async () => {
    const next = planned('ns/beta', 'net2', { isDefault: true });
    const outcome = await reconcileSandbox(ctx, sandbox(), [next, net1]);
    expect(calls.map((c) => `${c.command} ${c.network}`)).toEqual(['ADD beta', 'DEL default']);
    expect(states(outcome.record)).toEqual(['net2:added*', 'net1:added']);
    expect(outcome.removed).toEqual([{ network: 'default', ifName: 'eth0' }]);
    expect(book.writes.map((w) => states(w).join(','))).toEqual([
      'net1:added,eth0:added*,net2:adding',
      'net2:added*,net1:added,eth0:added',
      'net2:added*,net1:added,eth0:deleting',
      'net2:added*,net1:added',
    ]);
  });

  it('writes the DEL intent of an unwanted attachment before its DEL, and its removal after', async () => {
    await reconcileSandbox(ctx, sandbox(), [eth0]);
    expect(book.writes.map((w) => `${w.phase} ${states(w).join(',')}`)).toEqual(['ready eth0:added*,net1:deleting', 'ready eth0:added*']);
  });

  it('names every plugin of a config whose DEL failed', async () => {
    await reconcileSandbox(ctx, sandbox(), [eth0, net1, planned('ns/gamma', 'net3', { configText: conf('gamma', '1.0.0', ['noop', 'tuning']) })]);
    fail('DEL gamma', 'busy');
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(outcome.errors[0]?.message).toMatch(/^DEL of network "ns\/gamma" \(interface net3, plugins noop,tuning\) for pod ns\/p failed: /);
  });

  it('keeps the old default when the new default cannot be made nor DELeted', async () => {
    fail('ADD beta');
    fail('DEL beta');
    const outcome = await reconcileSandbox(ctx, sandbox(), [planned('ns/beta', 'net2', { isDefault: true }), net1]);
    expect(callsOf('DEL')).toEqual(['beta/net2']);
    expect(states(outcome.record)).toEqual(['net1:added', 'eth0:added*', 'net2:del-failed']);
  });

  it('keeps the old default when the new default cannot be made', async () => {
    fail('ADD beta');
    const outcome = await reconcileSandbox(ctx, sandbox(), [planned('ns/beta', 'net2', { isDefault: true }), net1]);
    expect(callsOf('DEL')).toEqual(['beta/net2']);
    expect(states(outcome.record)).toEqual(['net1:added', 'eth0:added*']);
  });

  it('tears everything down when nothing is wanted: DELs in reverse, removes the record and forgets the sandbox', async () => {
    ctx.backoff.recordFailure('sb1', net2, { code: 'X', message: 'y' }, new Date(0));
    const outcome = await reconcileSandbox(ctx, sandbox(), []);
    expect(calls.map((c) => `${c.ctx} ${c.command} ${c.network}`)).toEqual(['cleanup DEL alpha', 'cleanup DEL default']);
    expect(outcome).toEqual({ record: undefined, added: [], removed: [{ network: 'ns/alpha', ifName: 'net1' }, { network: 'default', ifName: 'eth0' }], repaired: [], failed: [], errors: [] });
    expect(book.writes.map((w) => `${w.phase} ${states(w).join(',')}`)).toEqual(['tearing-down eth0:deleting*,net1:deleting']);
    expect(book.removed).toEqual(['sb1']);
    expect(ctx.backoff.list('sb1')).toEqual([]);
    expect(ctx.verified.has('sb1')).toBe(false);
    expect(buildReconcileReport(outcome, ctx.backoff, 'sb1')).toBeUndefined();
  });

  it('keeps a tearing-down record with what could not be DELeted, and finishes on the next teardown', async () => {
    fail('DEL default', 'busy');
    const outcome = await reconcileSandbox(ctx, sandbox(), []);
    expect(outcome.record?.phase).toBe('tearing-down');
    expect(states(outcome.record)).toEqual(['eth0:del-failed*']);
    expect(outcome.errors.map((e) => e.code)).toEqual(['POD_TEARDOWN_FAILED']);
    expect(book.removed).toEqual([]);
    expect(book.store.get('sb1')).toEqual(outcome.record);
    script.clear();
    const done = await reconcileSandbox(ctx, sandbox(), []);
    expect(done.record).toBeUndefined();
    expect(book.removed).toEqual(['sb1']);
  });

  it('DELs in the namespace the attachments were made in, not a new one the request names', async () => {
    const other = join(dir, 'other-netns');
    await writeFile(other, '');
    await reconcileSandbox(ctx, sandbox({ netns: other }), [eth0]);
    expect(calls.map((c) => `${c.command} ${c.netns}`)).toEqual([`DEL ${netns}`]);
    expect(book.store.get('sb1')?.netns).toBe(netns);
  });

  it('verifies a ready sandbox once after a restart (CHECK through the cleanup context) and makes a broken attachment again', async () => {
    ctx.verified.clear();
    fail('CHECK alpha', 'interface gone');
    clock = 3_000;
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(calls.map((c) => `${c.ctx} ${c.command} ${c.network}`)).toEqual(['cleanup CHECK default', 'cleanup CHECK alpha', 'cleanup DEL alpha', 'chain ADD alpha']);
    expect(outcome.repaired).toEqual([{ network: 'ns/alpha', ifName: 'net1' }]);
    expect(outcome.added).toEqual([{ network: 'ns/alpha', ifName: 'net1' }]);
    expect(outcome.removed).toEqual([{ network: 'ns/alpha', ifName: 'net1' }]);
    expect(states(outcome.record)).toEqual(['eth0:added*', 'net1:added']);
    expect(warnings).toContainEqual({ obj: expect.objectContaining({ sandboxId: 'sb1', network: 'ns/alpha', ifName: 'net1', fault: expect.stringContaining('CHECK failed') }), msg: 'recovered attachment is broken; making it again' });
    expect(ctx.verified.has('sb1')).toBe(true);

    calls.length = 0;
    await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(calls).toEqual([]);
  });

  it('does not verify a sandbox it tears down, nor an attachment that is not added', async () => {
    ctx.verified.clear();
    await reconcileSandbox(ctx, sandbox(), []);
    expect(callsOf('CHECK')).toEqual([]);
  });

  it('verifies only the attachments recorded as added', async () => {
    fail('DEL alpha', 'busy');
    await reconcileSandbox(ctx, sandbox(), [eth0]);
    ctx.verified.clear();
    calls.length = 0;
    await reconcileSandbox(ctx, sandbox(), [eth0]);
    expect(callsOf('CHECK')).toEqual(['default/eth0']);
  });

  it('passes a verified sandbox with nothing broken without changing it', async () => {
    ctx.verified.clear();
    clock = 3_000;
    const outcome = await reconcileSandbox(ctx, sandbox(), [eth0, net1]);
    expect(callsOf('CHECK')).toEqual(['default/eth0', 'alpha/net1']);
    expect(outcome.repaired).toEqual([]);
    expect(book.writes).toEqual([]);
    expect(ctx.verified.has('sb1')).toBe(true);
  });
});

describe('a default switch where the old default is not the first attachment', () => {
  it('detaches the old default, and only it, once the new one is made', async () => {
    await reconcileSandbox(ctx, sandbox(), [net1, eth0]);
    calls.length = 0;
    book.writes.length = 0;
    const outcome = await reconcileSandbox(ctx, sandbox(), [net1, planned('ns/beta', 'net2', { isDefault: true })]);
    expect(calls.map((c) => `${c.command} ${c.network}`)).toEqual(['ADD beta', 'DEL default']);
    expect(states(outcome.record)).toEqual(['net1:added', 'net2:added*']);
    expect(book.writes.map((w) => `${w.phase} ${states(w).join(',')}`)).toEqual([
      'ready net1:added,eth0:added*,net2:adding',
      'ready net1:added,net2:added*,eth0:added',
      'ready net1:added,net2:added*,eth0:deleting',
      'ready net1:added,net2:added*',
    ]);
  });
});

describe('default routes and results', () => {
  it('applies an attachment\'s default-route plan in its namespace and records the edited result', async () => {
    const withRoutes = planned('ns/alpha', 'net1', { defaultRoutes: { removeFamilies: [4], gateways: ['10.250.9.1'] } });
    script.set('ADD alpha', [{ result: { cniVersion: '1.0.0', ips: [{ address: '10.250.9.5/24', gateway: '10.250.9.254' }], routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.254' }] } }]);
    const outcome = await reconcileSandbox(ctx, sandbox(), [withRoutes]);
    expect(routeCalls).toEqual([['delete', netns, 'net1', [4]], ['add', netns, 'net1', ['10.250.9.1']]]);
    expect(outcome.record?.attachments[0]?.result).toMatchObject({ routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.1' }] });
  });

  it('records an attachment whose plugins printed an empty 0.2.0 answer without reading a MAC from a fake namespace', async () => {
    script.set('ADD alpha', [{ result: { cniVersion: '0.2.0', ip4: { ip: '10.250.9.5/24' } } }]);
    const outcome = await reconcileSandbox(ctx, sandbox(), [planned('ns/alpha', 'net1', { configText: conf('alpha', '0.2.0'), cniVersion: '0.2.0' })]);
    expect(outcome.record?.attachments[0]).toMatchObject({ state: 'added', result: { cniVersion: '0.2.0', ip4: { ip: '10.250.9.5/24' } } });
    expect(outcome.record?.attachments[0]).not.toHaveProperty('mac');
  });
});

describe('namespaces and record writes', () => {
  it('refuses the host\'s network namespace before running anything', async () => {
    await expect(reconcileSandbox(ctx, sandbox({ netns: '/proc/self/ns/net' }), [net1])).rejects.toMatchObject({ code: 'NETNS_UNSAFE' });
    expect(calls).toEqual([]);
  });

  it('refuses a request naming the host\'s namespace for a recorded sandbox, and a record naming it', async () => {
    await reconcileSandbox(ctx, sandbox(), [net1]);
    calls.length = 0;
    await expect(reconcileSandbox(ctx, sandbox({ netns: '/proc/self/ns/net' }), [])).rejects.toMatchObject({ code: 'NETNS_UNSAFE' });
    book.store.set('sb1', { ...book.store.get('sb1')!, netns: '/proc/self/ns/net' });
    await expect(reconcileSandbox(ctx, sandbox(), [])).rejects.toMatchObject({ code: 'NETNS_UNSAFE' });
    expect(calls).toEqual([]);
  });

  it('tears down nothing and writes nothing for a sandbox it has no record of', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), []);
    expect(outcome.record).toBeUndefined();
    expect(book.writes).toEqual([]);
    expect(book.removed).toEqual([]);
  });

  it('removes an emptied record it wrote in a teardown of a record it had not read', async () => {
    ctx.verified.add('sb1');
    const outcome = await reconcileSandbox(ctx, sandbox(), []);
    expect(outcome.record).toBeUndefined();
    expect(ctx.verified.has('sb1')).toBe(false);
  });

  it('starts no ADD when the intents cannot be written', async () => {
    book.failWrites = true;
    await expect(reconcileSandbox(ctx, sandbox(), [net1])).rejects.toThrow('disk full');
    expect(calls).toEqual([]);
  });
});

/**
 * In a path that is a namespace file but not a network namespace (`/proc/self/ns/uts`), with a
 * fake `nsenter` first on PATH that records its arguments and answers from files: what the
 * reconcile asks the namespace, without touching a real one.
 */
describe('in a namespace (a fake nsenter answers)', () => {
  const NS = '/proc/self/ns/uts';
  let fake: FakeNsenter;
  const LINKS = ['ip', '-j', 'link', 'show'];
  const answer = (args: readonly string[], out: string): Promise<void> => fake.answer(args, out);
  const nsenterCalls = (): Promise<string[]> => fake.calls();
  const at0 = (attachments: AttachmentRecord[], phase: PodRecord['phase']): PodRecord => ({ sandboxId: 'sb1', netns: NS, pod: { namespace: 'ns', name: 'p', uid: 'u1' }, phase, createdAt: at(0), updatedAt: at(0), attachments });

  beforeEach(async () => {
    fake = await installFakeNsenter(dir);
    await answer(LINKS, JSON.stringify([{ ifname: 'lo' }, { ifname: 'veth0123abcd' }, { ifname: 'vethcafe0001' }]));
  });
  afterEach(() => {
    fake.uninstall();
  });

  it('after undoing an ADD a crash cut short, removes the links it left half-made (never a wanted interface) and warns', async () => {
    const wantedTempName = planned('ns/beta', 'vethcafe0001');
    book.store.set('sb1', at0([buildAttachmentRecord(net1, 'adding')], 'setting-up'));
    await reconcileSandbox(ctx, sandbox({ netns: NS }), [wantedTempName]);
    expect(await nsenterCalls()).toEqual([`--net=${NS} ip -j link show`, `--net=${NS} ip link delete dev veth0123abcd`]);
    expect(warnings).toContainEqual({ obj: { sandboxId: 'sb1', links: ['veth0123abcd'] }, msg: 'removed links an interrupted ADD left half-made' });
  });

  it('sweeps nothing after DELs of attachments that were made', async () => {
    book.store.set('sb1', at0([buildAttachmentRecord(net1, 'added'), buildAttachmentRecord(net2, 'deleting')], 'ready'));
    ctx.verified.add('sb1');
    await reconcileSandbox(ctx, sandbox({ netns: NS }), []);
    expect(callsOf('DEL')).toEqual(['beta/net2', 'alpha/net1']);
    expect(await nsenterCalls()).toEqual([]);
  });

  it('warns about nothing when there was nothing half-made', async () => {
    await answer(LINKS, JSON.stringify([{ ifname: 'lo' }]));
    book.store.set('sb1', at0([buildAttachmentRecord(net1, 'planned')], 'setting-up'));
    await reconcileSandbox(ctx, sandbox({ netns: NS }), []);
    expect(await nsenterCalls()).toEqual([`--net=${NS} ip -j link show`]);
    expect(warnings).toEqual([]);
  });

  it('sweeps after a failed ADD in a running sandbox, and after a rollback', async () => {
    book.store.set('sb1', at0([buildAttachmentRecord(net1, 'added')], 'ready'));
    ctx.verified.add('sb1');
    fail('ADD beta');
    await reconcileSandbox(ctx, sandbox({ netns: NS }), [net1, net2]);
    expect((await nsenterCalls()).filter((c) => c.endsWith('link show'))).toHaveLength(1);
    book.store.delete('sb1');
    await reconcileSandbox(ctx, sandbox({ sandboxId: 'sb2', netns: NS }), [net2]).catch(() => undefined);
    expect((await nsenterCalls()).filter((c) => c.endsWith('link show'))).toHaveLength(2);
  });

  it('sweeps nothing after a rollback whose failed ADD could not be DELeted (the others were made, not cut short)', async () => {
    fail('ADD beta');
    fail('DEL beta');
    await expect(reconcileSandbox(ctx, sandbox({ netns: NS }), [net1, net2])).rejects.toMatchObject({ code: 'POD_SETUP_FAILED' });
    expect(callsOf('DEL')).toEqual(['beta/net2', 'alpha/net1']);
    expect(await nsenterCalls()).toEqual([]);
  });

  it('sweeps once per undone ADD: not again after a failed ADD whose DEL failed too', async () => {
    book.store.set('sb1', at0([buildAttachmentRecord(net1, 'added'), buildAttachmentRecord(planned('ns/gamma', 'net3'), 'adding')], 'ready'));
    ctx.verified.add('sb1');
    fail('ADD beta');
    fail('DEL beta');
    const outcome = await reconcileSandbox(ctx, sandbox({ netns: NS }), [net1, net2]);
    expect(callsOf('DEL')).toEqual(['gamma/net3', 'beta/net2']);
    expect(states(outcome.record)).toEqual(['net1:added', 'net2:del-failed']);
    expect((await nsenterCalls()).filter((c) => c.endsWith('link show'))).toHaveLength(1);
  });

  it('reads the interface\'s MAC for a 0.2.0 result, which has none, but not for loopback or a newer result', async () => {
    await answer(['ip', '-j', 'link', 'show', 'dev', 'net1'], JSON.stringify([{ ifname: 'net1', address: '02:11:22:33:44:55' }]));
    await answer(['ip', '-j', 'link', 'show', 'dev', 'lo'], JSON.stringify([{ ifname: 'lo', address: '00:00:00:00:00:00' }]));
    script.set('ADD alpha', [{ result: { cniVersion: '0.2.0', ip4: { ip: '10.250.9.5/24' } } }]);
    script.set('ADD lo', [{ result: { cniVersion: '0.2.0', ip4: { ip: '127.0.0.1/8' } } }]);
    const old = planned('ns/alpha', 'net1', { configText: conf('alpha', '0.2.0'), cniVersion: '0.2.0' });
    const lo = planned('lo', 'lo', { configText: conf('lo', '0.2.0'), cniVersion: '0.2.0', source: 'loopback', networkName: 'lo' });
    const outcome = await reconcileSandbox(ctx, sandbox({ netns: NS }), [lo, old, net2]);
    expect(outcome.record?.attachments.map((a) => a.mac)).toEqual([undefined, '02:11:22:33:44:55', undefined]);
    expect(await nsenterCalls()).toEqual([`--net=${NS} ip -j link show dev net1`]);
  });
});

describe('the results a status reads', () => {
  it('gives in the status the very result object the ADD read and checked, not a copy parsed again', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), [net1]);
    const recorded = outcome.record?.attachments[0]?.result;
    expect(recorded).toMatchObject({ cniVersion: '1.0.0', ips: [{ address: '10.250.1.5/24' }] });
    const status = buildReconcileReport(outcome, ctx.backoff, 'sb1')?.status;
    expect(status?.networks[0]?.result).toBe(recorded);
  });

  it('reads again (a checked copy) a result its default-route plan edited, since the edit was never checked', async () => {
    const withRoutes = planned('ns/alpha', 'net1', { defaultRoutes: { removeFamilies: [4], gateways: ['10.250.9.1'] } });
    script.set('ADD alpha', [{ result: { cniVersion: '1.0.0', ips: [{ address: '10.250.9.5/24', gateway: '10.250.9.254' }], routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.254' }] } }]);
    const outcome = await reconcileSandbox(ctx, sandbox(), [withRoutes]);
    const recorded = outcome.record?.attachments[0]?.result;
    expect(recorded).toMatchObject({ routes: [{ dst: '0.0.0.0/0', gw: '10.250.9.1' }] });
    const shown = buildReconcileReport(outcome, ctx.backoff, 'sb1')?.status.networks[0]?.result;
    expect(shown).not.toBe(recorded);
    expect(shown).toEqual(recorded);
  });
});

describe('a default switch in a record that holds a del-failed copy of the old default before its added copy', () => {
  // Hand-built: a reconcile renders an added attachment before a leftover of the same identity.
  const oldDefault = buildAttachmentRecord(eth0, 'added');
  const leftover: AttachmentRecord = { ...buildAttachmentRecord(eth0, 'del-failed'), isDefault: false, delAttempts: 1, error: { code: 'PLUGIN_FAILED', message: 'busy' } };
  const newDefault = planned('ns/beta', 'net2', { isDefault: true });

  beforeEach(() => {
    book.store.set('sb1', { sandboxId: 'sb1', netns, pod: { namespace: 'ns', name: 'p', uid: 'u1' }, phase: 'ready', createdAt: at(0), updatedAt: at(0), attachments: [leftover, oldDefault] });
    ctx.verified.add('sb1');
    // The leftover's DEL (step 2) fails again; the next DEL of that network succeeds.
    script.set('DEL default', [{ fail: { code: 11, msg: 'busy' } }, undefined]);
  });

  it('detaches the added copy of the old default once the new one is made, and keeps the del-failed copy for a retry', async () => {
    const outcome = await reconcileSandbox(ctx, sandbox(), [newDefault]);
    expect(calls.map((c) => `${c.command} ${c.network}/${c.ifName}`)).toEqual(['DEL default/eth0', 'ADD beta/net2', 'DEL default/eth0']);
    expect(states(outcome.record)).toEqual(['net2:added*', 'eth0:del-failed']);
    expect(outcome.record?.attachments[1]).toMatchObject({ state: 'del-failed', delAttempts: 2 });
    expect(outcome.removed).toEqual([{ network: 'default', ifName: 'eth0' }]);
  });

  it('writes the added copy of the old default as deleting before its DEL, the del-failed copy unchanged', async () => {
    await reconcileSandbox(ctx, sandbox(), [newDefault]);
    const beforeDel = book.writes.find((w) => w.attachments.some((a) => a.state === 'deleting'));
    expect(states(beforeDel)).toEqual(['net2:added*', 'eth0:del-failed', 'eth0:deleting']);
  });
});
