/**
 * The ip route editor against a fake `nsenter` first on PATH (it records its arguments and
 * answers from files), in a path that is a namespace file but not a network namespace
 * (`/proc/self/ns/uts`): no real namespace or route is read or changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIpRouteEditor } from './route-editor.ts';
import { installFakeNsenter, type FakeNsenter } from '../../../../test/support/fake-nsenter.ts';

const NS = '/proc/self/ns/uts';
let fake: FakeNsenter;

let dir: string;
const answer = (args: readonly string[], out: string): Promise<void> => fake.answer(args, out);
const refuse = (args: readonly string[], err: string): Promise<void> => fake.refuse(args, err);
const nsenterCalls = (): Promise<string[]> => fake.calls();

const list4 = ['ip', '-j', '-4', 'route', 'show', 'table', 'main', 'exact', '0.0.0.0/0', 'dev', 'net1'];
const list6 = ['ip', '-j', '-6', 'route', 'show', 'table', 'main', 'exact', '::/0', 'dev', 'net1'];

describe('createIpRouteEditor', () => {
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-routes-'));
    fake = await installFakeNsenter(dir);
  });
  afterEach(async () => {
    fake.uninstall();
    await rm(dir, { recursive: true, force: true });
  });

  it('does nothing in a netns path that is not a real namespace (the fake runtime\'s plain files), or a missing one', async () => {
    const fake = join(dir, 'fake-netns');
    await writeFile(fake, '');
    const editor = createIpRouteEditor();
    await expect(editor.deleteDefaultRoutes(fake, 'eth0', [4, 6])).resolves.toBeUndefined();
    await expect(editor.addDefaultRoutes(fake, 'net1', ['10.250.9.1'])).resolves.toBeUndefined();
    await expect(editor.deleteDefaultRoutes(join(dir, 'gone'), 'eth0', [4])).resolves.toBeUndefined();
    await expect(editor.addDefaultRoutes(join(dir, 'gone'), 'net1', ['10.250.9.1'])).resolves.toBeUndefined();
    expect(await nsenterCalls()).toEqual([]);
  });

  it('deletes each listed default route of each family on the interface, with its gateway and metric', async () => {
    await answer(list4, JSON.stringify([{ dst: 'default', gateway: '10.0.0.1', metric: 100 }, { dst: 'default', metric: 0 }, { dst: 'default' }]));
    await answer(list6, '');
    await createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', [4, 6]);
    expect(await nsenterCalls()).toEqual([
      `--net=${NS} ${list4.join(' ')}`,
      `--net=${NS} ip -4 route del default via 10.0.0.1 dev net1 metric 100 table main`,
      `--net=${NS} ip -4 route del default dev net1 metric 0 table main`,
      `--net=${NS} ip -4 route del default dev net1 table main`,
      `--net=${NS} ${list6.join(' ')}`,
    ]);
  });

  it('fails with DEFAULT_ROUTE_FAILED when the routes cannot be listed', async () => {
    await refuse(list6, '  Cannot open network namespace  \n');
    await expect(createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', [6])).rejects.toMatchObject({
      code: 'DEFAULT_ROUTE_FAILED',
      message: `cannot list the IPv6 default routes on net1 in netns ${NS}: Cannot open network namespace`,
      details: expect.objectContaining({ ifName: 'net1' }),
    });
  });

  it('fails with DEFAULT_ROUTE_FAILED quoting the start of output it cannot read', async () => {
    const garbage = `x${'y'.repeat(300)}`;
    await answer(list4, garbage);
    await expect(createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', [4])).rejects.toMatchObject({
      code: 'DEFAULT_ROUTE_FAILED',
      message: `cannot read the IPv4 default routes on net1 in netns ${NS}: unreadable output of ip: ${JSON.stringify(garbage.slice(0, 200))}`,
    });
  });

  it('fails with DEFAULT_ROUTE_FAILED naming the route it could not delete', async () => {
    await answer(list4, JSON.stringify([{ gateway: '10.0.0.1' }]));
    await refuse(['ip', '-4', 'route', 'del', 'default', 'via', '10.0.0.1', 'dev', 'net1', 'table', 'main'], 'RTNETLINK answers: No such process');
    await expect(createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', [4])).rejects.toMatchObject({
      message: `cannot delete the IPv4 default route via 10.0.0.1 on net1 in netns ${NS}: RTNETLINK answers: No such process`,
    });
    await answer(list6, JSON.stringify([{}]));
    await refuse(['ip', '-6', 'route', 'del', 'default', 'dev', 'net1', 'table', 'main'], 'nope');
    await expect(createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', [6])).rejects.toMatchObject({
      message: `cannot delete the IPv6 default route on net1 in netns ${NS}: nope`,
    });
  });

  it('names the failed command when ip fails without a word on stderr', async () => {
    await refuse(list4, '');
    await expect(createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', [4])).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^cannot list the IPv4 default routes on net1 in netns ${NS}: Command failed: nsenter`)),
    });
  });

  it('adds a default route via each gateway on the interface, in its family', async () => {
    await createIpRouteEditor({ timeoutMs: 5_000 }).addDefaultRoutes(NS, 'net1', ['10.0.0.1', 'fd00::1']);
    expect(await nsenterCalls()).toEqual([`--net=${NS} ip -4 route add default via 10.0.0.1 dev net1`, `--net=${NS} ip -6 route add default via fd00::1 dev net1`]);
  });

  it('runs nothing when there is no gateway to add', async () => {
    await createIpRouteEditor().addDefaultRoutes(NS, 'net1', []);
    await createIpRouteEditor().deleteDefaultRoutes(NS, 'net1', []);
    expect(await nsenterCalls()).toEqual([]);
  });

  it('keeps a default route that already exists, and fails with DEFAULT_ROUTE_FAILED on any other refusal', async () => {
    await refuse(['ip', '-4', 'route', 'add', 'default', 'via', '10.0.0.1', 'dev', 'net1'], 'RTNETLINK answers: File exists');
    await expect(createIpRouteEditor().addDefaultRoutes(NS, 'net1', ['10.0.0.1'])).resolves.toBeUndefined();
    await refuse(['ip', '-6', 'route', 'add', 'default', 'via', 'fd00::1', 'dev', 'net1'], 'RTNETLINK answers: Network is unreachable');
    await expect(createIpRouteEditor().addDefaultRoutes(NS, 'net1', ['fd00::1'])).rejects.toMatchObject({
      code: 'DEFAULT_ROUTE_FAILED',
      message: `cannot add a default route via fd00::1 on net1 in netns ${NS}: RTNETLINK answers: Network is unreachable`,
    });
  });
});
