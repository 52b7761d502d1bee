/**
 * What the driver's shared parts say when they refuse: the message names what refused (house
 * rule: a message names what and where; callers branch on `code`).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecaExecutor } from '../invoke/execa-executor.ts';
import { createDriverCore } from './driver-core.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'multinet-core-messages-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a closed driver', () => {
  it('refuses a sandbox operation and GC with DRIVER_CLOSED and a message saying the driver is closed', async () => {
    const core = createDriverCore({ stateDir: join(dir, 'state'), confDir: join(dir, 'net.d'), executor: createExecaExecutor(), watch: false });
    await core.close();
    const refusal = { code: 'DRIVER_CLOSED', message: 'the driver is closed' };
    await expect(core.onSandbox('web-sandbox', async () => 'ran')).rejects.toMatchObject(refusal);
    await expect(core.exclusive(async () => 'ran')).rejects.toMatchObject(refusal);
  });
});
