/**
 * A conf file rewritten in place (no rename) is read half-written at times. Such a read never
 * hands the default network to the next file: the last good version stays until the file parses
 * again, or until it has stayed bad past a settle time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalog, type Catalog } from '@multinet/cni-driver';

let dir: string;
let catalog: Catalog;
const conf = (name: string, extra = '') => `{"cniVersion":"1.0.0","name":"${name}","plugins":[{"type":"noop"${extra}}]}`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-rewrite-'));
  await writeFile(join(dir, '10-first.conflist'), conf('first'));
  await writeFile(join(dir, '20-second.conflist'), conf('second'));
  catalog = createCatalog({ confDir: dir, pluginDirs: [dir], watch: false });
});

afterEach(async () => {
  await catalog.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a conf file rewritten in place', () => {
  it('keeps its last good version as the default while a fresh write leaves it half-written', async () => {
    expect((await catalog.sync()).defaultNetwork?.name).toBe('first');
    await writeFile(join(dir, '10-first.conflist'), conf('first', ',"mtu":1400').slice(0, 30));
    expect((await catalog.sync()).defaultNetwork?.name).toBe('first');
    await writeFile(join(dir, '10-first.conflist'), conf('first', ',"mtu":1400'));
    const done = await catalog.sync();
    expect(done.defaultNetwork?.name).toBe('first');
    expect(done.defaultNetwork?.list.bytes).toContain('"mtu":1400');
  });

  it('becomes a problem once it has stayed bad past the settle time, and the next file is the default', async () => {
    await catalog.sync();
    const file = join(dir, '10-first.conflist');
    await writeFile(file, '{"cniVersion":');
    const past = new Date(Date.now() - 60_000);
    await utimes(file, past, past);
    const settled = await catalog.sync();
    expect(settled.defaultNetwork?.name).toBe('second');
    expect(settled.problems.map((p) => p.file)).toEqual([file]);
  });
});
