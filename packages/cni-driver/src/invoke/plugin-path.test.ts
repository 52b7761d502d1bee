import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPlugin, validatePluginType } from './plugin-path.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-plugin-path-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const errorOf = async (promise: Promise<unknown>): Promise<any> => promise.then(() => expect.fail('expected an error'), (e: unknown) => e);

describe('findPlugin', () => {
  it('returns the file in the first plugin dir that has it', async () => {
    await mkdir(join(dir, 'a'));
    await mkdir(join(dir, 'b'));
    await mkdir(join(dir, 'c'));
    await writeFile(join(dir, 'b', 'bridge'), '');
    await writeFile(join(dir, 'c', 'bridge'), '');
    expect(await findPlugin('bridge', [join(dir, 'a'), join(dir, 'b'), join(dir, 'c')])).toBe(join(dir, 'b', 'bridge'));
  });

  it('passes over a directory of the plugin name and takes the regular file after it', async () => {
    await mkdir(join(dir, 'a', 'bridge'), { recursive: true });
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'bridge'), '');
    expect(await findPlugin('bridge', [join(dir, 'a'), join(dir, 'b')])).toBe(join(dir, 'b', 'bridge'));
  });

  it('passes over a name that cannot be looked at (a symlink loop) and takes the regular file after it', async () => {
    await mkdir(join(dir, 'a'));
    await symlink('bridge', join(dir, 'a', 'bridge'));
    await mkdir(join(dir, 'b'));
    await writeFile(join(dir, 'b', 'bridge'), '');
    expect(await findPlugin('bridge', [join(dir, 'a'), join(dir, 'b')])).toBe(join(dir, 'b', 'bridge'));
  });

  it('fails with PLUGIN_NOT_FOUND naming the plugin and every dir searched', async () => {
    const error = await errorOf(findPlugin('bridge', [join(dir, 'a'), join(dir, 'b')]));
    expect(error).toMatchObject({ code: 'PLUGIN_NOT_FOUND', details: { plugin: 'bridge' } });
    expect(error.message).toBe(`failed to find plugin "bridge" in path [${join(dir, 'a')} ${join(dir, 'b')}]`);
  });

  it('refuses a type that is a path before looking anywhere', async () => {
    await writeFile(join(dir, 'bridge'), '');
    await expect(findPlugin('../bridge', [join(dir, 'sub')])).rejects.toMatchObject({ code: 'PLUGIN_TYPE_INVALID' });
  });
});

describe('validatePluginType messages', () => {
  it('names the type, and the file or else the network it came from', () => {
    expect(() => validatePluginType('a/b', { file: '/etc/cni/net.d/10.conf', network: 'n1' })).toThrow(
      expect.objectContaining({
        message: 'invalid plugin type "a/b" in /etc/cni/net.d/10.conf: a type is a file name in the plugin dirs, never a path',
        details: expect.objectContaining({ plugin: 'a/b', file: '/etc/cni/net.d/10.conf', network: 'n1' }),
      }),
    );
    expect(() => validatePluginType('a/b', { network: 'n1' })).toThrow(expect.objectContaining({ message: 'invalid plugin type "a/b" in network "n1": a type is a file name in the plugin dirs, never a path' }));
    expect(() => validatePluginType('a/b')).toThrow(expect.objectContaining({ message: 'invalid plugin type "a/b": a type is a file name in the plugin dirs, never a path' }));
  });

  it('refuses a type with a NUL byte', () => {
    expect(() => validatePluginType('bridge\0')).toThrow(expect.objectContaining({ code: 'PLUGIN_TYPE_INVALID' }));
  });

  it.each(['..', 'a..', '..b', 'x\\y'])('refuses %j', (type) => {
    expect(() => validatePluginType(type)).toThrow(expect.objectContaining({ code: 'PLUGIN_TYPE_INVALID' }));
  });

  it.each(['bridge', 'host-local', 'a.b', '.hidden'])('accepts the file name %j', (type) => {
    expect(() => validatePluginType(type)).not.toThrow();
  });
});
