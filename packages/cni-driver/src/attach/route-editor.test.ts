import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createIpRouteEditor } from './route-editor.ts';

describe('createIpRouteEditor', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'multinet-routes-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('does nothing in a netns path that is not a real namespace (the fake runtime\'s plain files)', async () => {
    const fake = join(dir, 'fake-netns');
    await writeFile(fake, '');
    const editor = createIpRouteEditor();
    await expect(editor.deleteDefaultRoutes(fake, 'eth0', [4, 6])).resolves.toBeUndefined();
    await expect(editor.addDefaultRoutes(fake, 'net1', ['10.250.9.1'])).resolves.toBeUndefined();
  });
});
