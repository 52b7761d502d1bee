import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './atomic-write.ts';
import { createCheckpointStore } from './checkpoint-store.ts';
import { parseEnvelopeText } from './envelope.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'multinet-atomic-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Big {
  seq: number;
  payload: string;
}
const big = (seq: number): Big => ({ seq, payload: String(seq % 10).repeat(256 * 1024) });
const parseBig = (data: unknown): Big => {
  const value = data as Big;
  if (value.payload !== big(value.seq).payload) throw new Error(`payload of ${value.seq} is mixed`);
  return value;
};

describe.each([true, false])('writeFileAtomic with fsync %s', (fsync) => {
  it('replaces the file whole, as a 0600 file, with no temp file left', async () => {
    const file = join(root, 'state.json');
    await writeFile(file, 'old');
    const before = await stat(file);
    await writeFileAtomic(file, 'new', { fsync });
    expect(await readFile(file, 'utf8')).toBe('new');
    const after = await stat(file);
    expect(after.mode & 0o777).toBe(0o600);
    expect(after.ino).not.toBe(before.ino);
    expect(await readdir(root)).toEqual(['state.json']);
  });

  it('writes bytes as given, with the mode asked for', async () => {
    const file = join(root, 'bytes.bin');
    await writeFileAtomic(file, Uint8Array.from([0, 255, 10]), { fsync, mode: 0o640 });
    expect([...(await readFile(file))]).toEqual([0, 255, 10]);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
  });

  it('leaves the old content and no temp file when the rename fails', async () => {
    const target = join(root, 'taken');
    await mkdir(join(target, 'inside'), { recursive: true });
    await expect(writeFileAtomic(target, 'new', { fsync })).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await readdir(root)).toEqual(['taken']);
  });
});

describe('checkpoint writes under stress', () => {
  it('lets readers see only the old or the new record while it is being replaced', async () => {
    const store = await createCheckpointStore({ dir: join(root, 'records'), kind: 'big', version: 1, parse: parseBig, fsync: false });
    await store.write('k', big(0));
    let writing = true;
    const writer = (async () => {
      for (let seq = 1; seq <= 40; seq++) await store.write('k', big(seq));
      writing = false;
    })();
    const seen = new Set<number>();
    while (writing) {
      const envelope = parseEnvelopeText(await readFile(join(root, 'records', 'k.json'), 'utf8'), { kind: 'big', version: 1 });
      expect(envelope.ok).toBe(true);
      if (envelope.ok) seen.add(parseBig(envelope.data).seq);
    }
    await writer;
    expect(seen.size).toBeGreaterThan(0);
  });

  it('holds the old or the new record after the writing process is killed mid-write, and the next list() sweeps its temp file', async () => {
    const dir = join(root, 'records');
    const child = join(root, 'writer.mts');
    const storeModule = fileURLToPath(new URL('./checkpoint-store.ts', import.meta.url));
    await writeFile(
      child,
      [
        `import { createCheckpointStore } from ${JSON.stringify(storeModule)};`,
        `const store = await createCheckpointStore({ dir: ${JSON.stringify(dir)}, kind: 'big', version: 1, parse: (d) => d });`,
        'for (let seq = 0; ; seq++) {',
        `  await store.write('k', { seq, payload: String(seq % 10).repeat(256 * 1024) });`,
        `  if (seq === 2) process.stdout.write('ready\\n');`,
        '}',
      ].join('\n'),
    );
    // cwd: the package dir, from where `--import tsx` resolves whatever dir vitest runs in.
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const writer = spawn(process.execPath, ['--import', 'tsx', child], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    writer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [chunk] = (await Promise.race([once(writer.stdout, 'data'), once(writer, 'exit').then(() => [Buffer.from(`exited early: ${stderr}`)])])) as [Buffer];
    expect(chunk.toString()).toBe('ready\n');
    writer.kill('SIGKILL');
    await once(writer, 'exit');

    const restarted = await createCheckpointStore({ dir, kind: 'big', version: 1, parse: parseBig });
    const { records, problems } = await restarted.list();
    expect(problems).toEqual([]);
    expect(records.map((r) => r.key)).toEqual(['k']);
    expect(records[0]!.value.seq).toBeGreaterThanOrEqual(2);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
