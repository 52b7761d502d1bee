/**
 * createCatalog's defaults and option errors (the dir watcher is a fake: nothing is watched).
 */
import { describe, expect, it, vi } from 'vitest';
import { createCatalog } from './catalog.ts';

const watched = vi.hoisted(() => [] as string[][]);

vi.mock('../watch/chokidar-watcher.ts', () => ({
  createDirWatcher: (dirs: readonly string[]) => {
    watched.push([...dirs]);
    return { ready: Promise.resolve(), close: async () => undefined };
  },
}));

describe('createCatalog options', () => {
  it("watches libcni's conf dir and bin dir by default", async () => {
    const catalog = createCatalog();
    await catalog.close();
    expect(watched).toEqual([['/etc/cni/net.d', '/opt/cni/bin']]);
  });

  it('names the bad option in its TypeError', () => {
    expect(() => createCatalog({ confDir: 'net.d', watch: false })).toThrow('`confDir`');
    expect(() => createCatalog({ confDir: '/etc/cni/net.d', maxConfBytes: -1, watch: false })).toThrow('`maxConfBytes`');
  });
});
