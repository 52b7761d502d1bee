/**
 * `multinet plan`: the dry run prints formats, attachments, interface names, the default network,
 * cniVersions and the exact plugin stdin, and runs no plugin.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMultinet } from './support/cli.ts';

describe('multinet plan', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-plan-'));
    await mkdir(join(dir, 'net.d'));
    await mkdir(join(dir, 'bin'));
    await mkdir(join(dir, 'manifests'));
    // A plugin that leaves a mark if anything ever runs it.
    for (const name of ['bridge', 'macvlan']) {
      await writeFile(join(dir, 'bin', name), `#!/bin/sh\ntouch ${join(dir, 'ran')}\necho '{"cniVersion":"0.4.0","supportedVersions":["0.4.0"]}'\n`);
      await chmod(join(dir, 'bin', name), 0o755);
    }
    await writeFile(join(dir, 'net.d', '10-podnet.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'bridge', capabilities: { portMappings: true } }] }));
    const nad = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'mv' }, spec: { config: '{"type":"macvlan","capabilities":{"ips":true}}' } };
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', annotations: { 'k8s.v1.cni.cncf.io/networks': '[{"name":"mv","ips":["10.250.95.4/24"],"cni-args":{"a":"b"},"default-route":["10.250.95.1"]}]', cni: 'ignored' } } };
    const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bad', annotations: { 'k8s.v1.cni.cncf.io/networks': 'Not_A_Label' } } };
    await writeFile(join(dir, 'manifests', 'all.yaml'), [nad, pod, bad].map((d) => JSON.stringify(d)).join('\n---\n'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const args = () => ['plan', '--manifests', join(dir, 'manifests'), '--conf-dir', join(dir, 'net.d'), '--bin-dir', join(dir, 'bin')];

  it('prints each pod as JSON with its format, interface names, default network and exact plugin stdin, running no plugin', async () => {
    const { code, stdout } = await runMultinet([...args(), '--json']);
    expect(code).toBe(0);
    const [web, bad] = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    expect(web).toMatchObject({ pod: 'default/web', format: 'npwg', ignoredFormats: ['genie'], defaultNetwork: 'podnet on eth0', error: null });
    expect(web!.attachments.map((a: any) => [a.network, a.ifName, a.cniVersion, a.versionAssumed])).toEqual([
      ['podnet', 'eth0', '1.0.0', false],
      ['default/mv', 'net1', '1.1.0', true],
    ]);
    expect(web!.attachments[1].plugins[0].stdin).toBe('{"args":{"cni":{"a":"b"}},"capabilities":{"ips":true},"cniVersion":"1.1.0","name":"mv","runtimeConfig":{"ips":["10.250.95.4/24"]},"type":"macvlan"}');
    expect(web!.attachments[1].cniArgs).toMatch(/;IP=10\.250\.95\.4\/24$/);
    expect(web!.attachments.map((a: any) => a.defaultRoutes)).toEqual([{ removeFamilies: [4, 6], gateways: [] }, { removeFamilies: [4, 6], gateways: ['10.250.95.1'] }]);
    expect(bad).toMatchObject({ pod: 'default/bad', error: { code: 'SELECTION_INVALID', message: expect.stringContaining('k8s.v1.cni.cncf.io/networks annotation: entry 1 name') } });
    await expect(access(join(dir, 'ran'))).rejects.toThrow();
  });

  it('asks VERSION with --probe-versions and uses the negotiated version', async () => {
    const { stdout } = await runMultinet([...args(), '--json', '--probe-versions']);
    const web = JSON.parse(stdout.split('\n')[0]!) as Record<string, any>;
    expect([web.attachments[1].cniVersion, web.attachments[1].versionAssumed]).toEqual(['0.4.0', false]);
  });

  it('prints a readable plan without --json', async () => {
    const { code, stdout } = await runMultinet(args());
    expect(code).toBe(0);
    expect(stdout).toContain('pod default/web: format npwg (ignored: genie)\n  default network: podnet on eth0\n  eth0  podnet  (conf, network "podnet", cniVersion 1.0.0)  default');
    expect(stdout).toContain('  net1  default/mv  (object, network "mv", cniVersion 1.1.0 assumed)');
    expect(stdout).toContain('    default routes: remove IPv4, IPv6; add via 10.250.95.1\n');
  });

  it('exits 2 without --conf-dir', async () => {
    const { code, stderr } = await runMultinet(['plan', '--manifests', join(dir, 'manifests')]);
    expect(code).toBe(2);
    expect(stderr).toContain('Expected `--conf-dir <dir>`');
  });
});
