/**
 * The Kubernetes API as the fake runtime's source, against a local API server that speaks the
 * wire format (list, chunked watch streams, resourceVersion, 410 Gone, merge PATCH): pods of one
 * node and network objects come in, network-status goes back, and teardown never waits on the API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRuntime, startK8sSource, type FakeRuntime, type K8sSource, type PodLine } from '@multinet/fake-runtime';
import { startTestApiServer, type TestApiServer } from './support/api-server.ts';
import { FIXTURE_PLUGIN_DIR } from './support/noop.ts';
import { runMultinet } from './support/cli.ts';

const PODS = '/api/v1/pods';
const NADS = '/apis/k8s.cni.cncf.io/v1/network-attachment-definitions';
const STATUS = 'k8s.v1.cni.cncf.io/network-status';

const pod = (name: string, node: string, annotations: Record<string, string> = {}) => ({ metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations }, spec: { nodeName: node } });
const nad = (name: string) => ({ apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: 'default' } });

describe('the Kubernetes API as a source', () => {
  let dir: string;
  let server: TestApiServer;
  let runtime: FakeRuntime | undefined;
  let source: K8sSource | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-k8s-'));
    await mkdir(join(dir, 'net.d'));
    await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'noop' }] }));
    await writeFile(join(dir, 'net.d', '20-dbnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'dbnet', plugins: [{ type: 'noop' }] }));
    server = await startTestApiServer();
    await server.writeKubeconfig(join(dir, 'kubeconfig'));
    server.put(NADS, nad('dbnet'));
    server.put(PODS, pod('web', 'node1', { 'k8s.v1.cni.cncf.io/networks': 'dbnet' }));
    server.put(PODS, pod('elsewhere', 'node2'));
  });

  afterEach(async () => {
    await source?.close();
    await runtime?.close();
    source = undefined;
    runtime = undefined;
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async () => {
    runtime = await createFakeRuntime({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), pluginDirs: [FIXTURE_PLUGIN_DIR], netns: 'fake', watch: false });
    source = startK8sSource({ kubeconfig: join(dir, 'kubeconfig'), node: 'node1', api: runtime.api, backoff: { initialMs: 5, maxMs: 50 } });
    await source.synced;
    return { runtime, source };
  };

  it("lists the node's pods and network objects, sets them up, and writes network-status back with a merge patch", async () => {
    const { runtime, source } = await start();
    expect(runtime.api.listPods().map((p) => p.name)).toEqual(['web']);
    await runtime.syncOnce();
    await source.flush();
    const patch = server.requests.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({ path: '/api/v1/namespaces/default/pods/web', contentType: 'application/merge-patch+json' });
    const written = JSON.parse(server.get(PODS, 'default', 'web')!.metadata.annotations[STATUS]) as Array<{ name: string; interface: string; default?: boolean }>;
    expect(written.map((s) => [s.name, s.interface, s.default ?? false])).toEqual([['podnet', 'eth0', true], ['default/dbnet', 'net1', false]]);
    expect(server.get(PODS, 'default', 'web')!.metadata.annotations[STATUS]).toBe(runtime.podStatus('default/web')!.networkStatusAnnotation);
  });

  it('follows the watch from the list resourceVersion: a new pod arrives as an ADDED event', async () => {
    const { runtime } = await start();
    const arrived = new Promise((resolve) => runtime.api.on('podAdded', (p) => p.name === 'late' && resolve(p)));
    server.put(PODS, pod('late', 'node1'));
    await arrived;
    const watch = server.requests.find((r) => r.query['watch'] === 'true' && r.path === PODS);
    expect(Number(watch!.query['resourceVersion'])).toBeGreaterThan(0);
    const report = await runtime.syncOnce();
    expect([...report.setUp].sort()).toEqual(['default/late', 'default/web']);
  });

  it('relists after 410 Gone and tears down a pod deleted while the watch was expired', async () => {
    const { runtime, source } = await start();
    await runtime.syncOnce();
    const gone = new Promise((resolve) => runtime.api.on('podDeleted', (p) => p.name === 'web' && resolve(p)));
    server.compact();
    server.remove(PODS, 'default', 'web');
    await gone;
    expect(source.listCounts()['pods']).toBe(2);
    const report = await runtime.syncOnce();
    expect(report.tornDown).toEqual(['default/web']);
  });

  it('backs off on API errors and recovers', async () => {
    server.failNext(PODS, 3, 500);
    const { runtime } = await start();
    expect(server.requests.filter((r) => r.path === PODS && r.query['watch'] !== 'true').length).toBe(4);
    expect(runtime.api.listPods().map((p) => p.name)).toEqual(['web']);
  });

  it('tears a pod down without the API: a deleted pod goes even when the server is gone', async () => {
    const { runtime } = await start();
    await runtime.syncOnce();
    const gone = new Promise((resolve) => runtime.api.on('podDeleted', resolve));
    server.remove(PODS, 'default', 'web');
    await gone;
    await server.close();
    const report = await runtime.syncOnce();
    expect(report.tornDown).toEqual(['default/web']);
    server = await startTestApiServer();
  });

  it('`multinet run --kubeconfig FILE --node NAME --once --json` runs that node\'s pods and writes network-status back', async () => {
    const { code, stdout, stderr } = await runMultinet(['run', '--once', '--json', '--netns', 'fake', '--kubeconfig', join(dir, 'kubeconfig'), '--node', 'node1', '--conf-dir', join(dir, 'net.d'), '--bin-dir', FIXTURE_PLUGIN_DIR, '--state-dir', join(dir, 'state')]);
    expect(stderr.split('\n').filter((l) => l.includes('"level":50'))).toEqual([]);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as PodLine);
    expect(lines.map((l) => [l.pod, l.format, l.networks.map((n) => n.interface)])).toEqual([['default/web', 'npwg', ['eth0', 'net1']]]);
    expect(server.get(PODS, 'default', 'web')!.metadata.annotations[STATUS]).toBe(lines[0]!.networkStatus);
  });

  it.each([
    ['not valid YAML', 'apiVersion: v1\nclusters: [ {cluster: {server: "https://127.0.0.1:1"}, name: c}\nusers:\n- name: u\n  user: {token: SECRET-TOKEN-6b1f}\n  bad: [\n', /line 3, column 1/],
    ['not a kubeconfig', 'apiVersion: v1\nusers: [{name: u, user: {token: SECRET-TOKEN-6b1f}}]\nclusters: 5\n', /not a kubeconfig/],
  ])('refuses a kubeconfig that is %s with KUBECONFIG_INVALID naming the file, and never prints its contents (not with --debug either)', async (_, text, where) => {
    const file = join(dir, 'bad-kubeconfig');
    await writeFile(file, text, { mode: 0o600 });
    for (const extra of [[], ['--debug']]) {
      const { code, stdout, stderr } = await runMultinet(['run', '--once', '--json', '--netns', 'fake', '--kubeconfig', file, '--node', 'node1', '--conf-dir', join(dir, 'net.d'), '--state-dir', join(dir, 'state'), ...extra]);
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/KUBECONFIG_INVALID|FakeRuntimeError/);
      expect(stderr).toContain(file);
      expect(stderr).toMatch(where);
      expect(`${stdout}${stderr}`).not.toContain('SECRET-TOKEN');
    }
  });
});
