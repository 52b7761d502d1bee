/**
 * The catalog snapshot as a pure function of loaded conf files and plugin binaries.
 */
import { describe, expect, it } from 'vitest';
import { CniError, parseNetworkConfigList } from '@multinet/cni-types';
import { buildCatalogSnapshot, type CatalogPlugin, type ConfFileEntry } from './catalog-snapshot.ts';

const list = (name: string, type = 'noop') => parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name, plugins: [{ type }] }));
const plugins: ReadonlyMap<string, CatalogPlugin> = new Map([['noop', { name: 'noop', path: '/opt/cni/bin/noop' }]]);

describe('buildCatalogSnapshot', () => {
  it('loads networks in entry order, the first being the default, and passes plugins and generation through', () => {
    const a = list('a');
    const entries: ConfFileEntry[] = [
      { file: '/net.d/10-b.conflist', list: list('b') },
      { file: '/net.d/20-a.conflist', list: a },
    ];
    const snapshot = buildCatalogSnapshot(entries, plugins, 7);
    expect([...snapshot.networks.keys()]).toEqual(['b', 'a']);
    expect(snapshot.networks.get('a')).toEqual({ name: 'a', file: '/net.d/20-a.conflist', list: a });
    expect(snapshot.defaultNetwork?.name).toBe('b');
    expect(snapshot.defaultNetwork?.file).toBe('/net.d/10-b.conflist');
    expect(snapshot.problems).toEqual([]);
    expect(snapshot.plugins).toBe(plugins);
    expect(snapshot.generation).toBe(7);
  });

  it('has no default network when no file loaded', () => {
    const snapshot = buildCatalogSnapshot([{ file: '/net.d/bad.conf', error: new Error('broken') }], new Map(), 1);
    expect(snapshot.networks.size).toBe(0);
    expect(snapshot.defaultNetwork).toBeUndefined();
  });

  it('turns a file that failed to load into a problem with the error code, or CONFIG_INVALID, and its message', () => {
    const snapshot = buildCatalogSnapshot(
      [
        { file: '/net.d/00-a.conf', error: new CniError('PLUGIN_TYPE_INVALID', 'bad type in /net.d/00-a.conf') },
        { file: '/net.d/01-b.conf', error: new SyntaxError('Unexpected end of JSON') },
        { file: '/net.d/02-c.conf', error: 'EACCES' },
        { file: '/net.d/10-good.conflist', list: list('good') },
      ],
      plugins,
      1,
    );
    expect(snapshot.problems).toEqual([
      { file: '/net.d/00-a.conf', code: 'PLUGIN_TYPE_INVALID', message: 'bad type in /net.d/00-a.conf' },
      { file: '/net.d/01-b.conf', code: 'CONFIG_INVALID', message: 'Unexpected end of JSON' },
      { file: '/net.d/02-c.conf', code: 'CONFIG_INVALID', message: 'cannot load /net.d/02-c.conf: EACCES' },
    ]);
    expect(snapshot.defaultNetwork?.name).toBe('good');
  });

  it('keeps the first file of a name and reports each later one, naming both files', () => {
    const snapshot = buildCatalogSnapshot(
      [
        { file: '/net.d/10-a.conflist', list: list('same', 'first') },
        { file: '/net.d/20-b.conflist', list: list('same', 'second') },
        { file: '/net.d/30-c.conflist', list: list('other') },
      ],
      plugins,
      2,
    );
    expect(snapshot.networks.get('same')?.list.plugins[0]?.type).toBe('first');
    expect(snapshot.networks.get('same')?.file).toBe('/net.d/10-a.conflist');
    expect([...snapshot.networks.keys()]).toEqual(['same', 'other']);
    expect(snapshot.problems).toEqual([
      {
        file: '/net.d/20-b.conflist',
        code: 'CONFIG_INVALID',
        message: 'network config /net.d/20-b.conflist has duplicate name "same" (already loaded from /net.d/10-a.conflist); skipped',
      },
    ]);
  });
});
