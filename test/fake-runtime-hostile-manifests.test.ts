/**
 * Hostile manifests cost only their own objects: a YAML alias bomb ("billion laughs"), a file
 * over the size limit, a `kind: List` with bad `items`, and collections nested thousands deep are
 * each one typed problem naming the file, and the pods of the other manifest files still come up (issue 12). They used to stop the
 * runtime at start ("cannot start the runtime").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createFakeRuntime, type FakeRuntime } from '@multinet/fake-runtime';
import { runMultinet } from './support/cli.ts';
import { FIXTURES_DIR, FIXTURE_PLUGIN_DIR } from './support/noop.ts';

/** Nine levels of nine-fold aliases: 9^9 strings once expanded, a few hundred bytes as text. */
const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => {
    const previous = 'abcdefghi'[i]!;
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(',')}]`;
  }),
  '',
].join('\n');

/**
 * 6 KB of brackets: composing them recursed so deep that V8 aborted the whole process (out of
 * memory compiling a RegExp), with no exception to catch — `multinet run` died with SIGABRT.
 */
const DEEP_NESTING = `${'['.repeat(1000)}${']'.repeat(1000)}\n---\n${'['.repeat(2000)}${']'.repeat(2000)}\n`;

const POD = (name: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\n`;

const execFileAsync = promisify(execFile);

let dir: string;
let manifests: string;
let runtime: FakeRuntime | undefined;

async function open(extra: { maxManifestBytes?: number } = {}): Promise<FakeRuntime> {
  runtime = await createFakeRuntime({
    stateDir: join(dir, 'state'),
    confDir: join(dir, 'net.d'),
    pluginDirs: [FIXTURE_PLUGIN_DIR],
    manifests: [manifests],
    netns: 'fake',
    watch: false,
    loopback: false,
    ...extra,
  });
  return runtime;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnh2-hostile-manifests-'));
  await mkdir(join(dir, 'net.d'));
  await cp(join(FIXTURES_DIR, 'demo', 'net.d', '10-podnet.conflist'), join(dir, 'net.d', '10-podnet.conflist'));
  manifests = join(dir, 'manifests');
  await mkdir(manifests);
  await writeFile(join(manifests, 'good.yaml'), POD('good'));
});

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('hostile manifests in the fake runtime', () => {
  it('refuses a YAML alias bomb as MANIFEST_INVALID naming the file, and sets up the pods of the other files', async () => {
    const bomb = join(manifests, 'bomb.yaml');
    await writeFile(bomb, ALIAS_BOMB);

    const report = await (await open()).syncOnce();

    expect(report.setUp).toEqual(['default/good']);
    expect(runtime!.manifestProblems()).toEqual([{ file: bomb, code: 'MANIFEST_INVALID', message: expect.stringContaining(bomb) }]);
    expect(runtime!.manifestProblems()[0]?.message).toMatch(/alias/i);
  });

  it('refuses a YAML alias bomb inside a Pod document and keeps the other documents of that file', async () => {
    const file = join(manifests, 'mixed.yaml');
    await writeFile(file, `${POD('sibling')}---\nkind: Pod\nmetadata:\n  name: bombed\n  annotations:\n${ALIAS_BOMB.split('\n').map((l) => `    ${l}`).join('\n')}\n`);

    const report = await (await open()).syncOnce();

    expect([...report.setUp].sort()).toEqual(['default/good', 'default/sibling']);
    expect(runtime!.manifestProblems().map((p) => [p.file, p.code])).toEqual([[file, 'MANIFEST_INVALID']]);
    expect(runtime!.manifestProblems()[0]?.message).toContain(`${file} (document 2)`);
  });

  it('skips a manifest file over 1 MiB unread as MANIFEST_TOO_LARGE, and sets up the pods of the other files', async () => {
    const big = join(manifests, 'big.yaml');
    await writeFile(big, `${POD('in-big-file')}# ${'x'.repeat(1024 * 1024)}\n`);

    const report = await (await open()).syncOnce();

    expect(report.setUp).toEqual(['default/good']);
    expect(runtime!.api.getPod('default/in-big-file')).toBeUndefined();
    expect(runtime!.manifestProblems()).toEqual([{ file: big, code: 'MANIFEST_TOO_LARGE', message: expect.stringContaining(big) }]);
    expect(runtime!.manifestProblems()[0]?.message).toContain('over the limit of 1048576');
  });

  it('takes the manifest size limit from maxManifestBytes', async () => {
    const small = join(manifests, 'small.yaml');
    await writeFile(small, POD('small'));
    const limit = Buffer.byteLength(POD('small')) - 1;
    await writeFile(join(manifests, 'good.yaml'), POD('ok'.padEnd(limit - POD('').length, 'k')));

    const report = await (await open({ maxManifestBytes: limit })).syncOnce();

    expect(report.setUp).toEqual([`default/${'ok'.padEnd(limit - POD('').length, 'k')}`]);
    expect(runtime!.manifestProblems().map((p) => [p.file, p.code])).toEqual([[small, 'MANIFEST_TOO_LARGE']]);
  });

  it.each([[0], [-1], [1.5], [Number.NaN]])('refuses maxManifestBytes %j with a TypeError', async (maxManifestBytes) => {
    await expect(open({ maxManifestBytes })).rejects.toThrow(new TypeError(`Expected \`maxManifestBytes\` to be a positive whole number, got \`${JSON.stringify(maxManifestBytes)}\``));
  });

  it.each([
    ['items: 5', /`items` must be an array of objects, got number/],
    ['items: {kind: Pod}', /`items` must be an array of objects, got object/],
    ['items: lol', /`items` must be an array of objects, got string/],
    ['items: [5]', /`items\[0\]` must be an object with a `kind`, got number/],
    ['items: [[1]]', /`items\[0\]` must be an object with a `kind`, got an array/],
    ['items: [{metadata: {name: x}}]', /`items\[0\]` must be an object with a `kind`, got an object without one/],
  ])('refuses a List whose %s as MANIFEST_INVALID naming the file, and sets up the pods of the other files', async (items, reason) => {
    const list = join(manifests, 'list.yaml');
    await writeFile(list, `apiVersion: v1\nkind: List\n${items}\n`);

    const report = await (await open()).syncOnce();

    expect(report.setUp).toEqual(['default/good']);
    expect(runtime!.manifestProblems()).toEqual([{ file: list, code: 'MANIFEST_INVALID', message: expect.stringContaining(`${list} (document 1)`) }]);
    expect(runtime!.manifestProblems()[0]?.message).toMatch(reason);
  });

  it('refuses a file whose collections nest deeper than 100 levels as MANIFEST_INVALID, unparsed, and sets up the pods of the other files', async () => {
    const deep = join(manifests, 'deep.yaml');
    await writeFile(deep, DEEP_NESTING);

    const report = await (await open()).syncOnce();

    expect(report.setUp).toEqual(['default/good']);
    expect(runtime!.manifestProblems()).toEqual([{ file: deep, code: 'MANIFEST_INVALID', message: `invalid YAML in ${deep}: collections nest deeper than 100 levels; refused unparsed` }]);
  });

  it('refuses a FIFO named like a manifest as MANIFEST_INVALID instead of waiting on it forever', async () => {
    const fifo = join(manifests, 'fifo.yaml');
    await execFileAsync('mkfifo', [fifo]);

    const report = await (await open()).syncOnce();

    expect(report.setUp).toEqual(['default/good']);
    expect(runtime!.manifestProblems()).toEqual([{ file: fifo, code: 'MANIFEST_INVALID', message: `manifest ${fifo} is not a regular file; skipped unread` }]);
  });

  it('still reads a List of pods, and one with no items', async () => {
    await writeFile(join(manifests, 'list.yaml'), `kind: List\nitems:\n- ${POD('listed').trimEnd().replace(/\n/g, '\n  ')}\n---\nkind: List\n`);

    const report = await (await open()).syncOnce();

    expect([...report.setUp].sort()).toEqual(['default/good', 'default/listed']);
    expect(runtime!.manifestProblems()).toEqual([]);
  });
});

describe('hostile manifests in `multinet run`', () => {
  const run = (...flags: string[]): ReturnType<typeof runMultinet> =>
    runMultinet(['run', '--once', '--json', '--netns', 'fake', '--manifests', manifests, '--conf-dir', join(dir, 'net.d'), '--bin-dir', FIXTURE_PLUGIN_DIR, '--state-dir', join(dir, 'state'), ...flags]);
  const podLines = (stdout: string): Array<{ pod: string; podIPs: string[]; error: unknown }> =>
    stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { pod: string; podIPs: string[]; error: unknown });
  const problemsLogged = (stderr: string): Array<{ file: string; code: string; message: string }> =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { problem?: { file: string; code: string; message: string } })
      .flatMap((entry) => (entry.problem ? [entry.problem] : []));

  it('runs the other manifest files\' pods and logs one MANIFEST_INVALID problem per alias bomb and bad List', async () => {
    await writeFile(join(manifests, 'bomb.yaml'), ALIAS_BOMB);
    await writeFile(join(manifests, 'list.yaml'), 'kind: List\nitems: 5\n');

    const result = await run();

    expect(result.code).toBe(0);
    expect(podLines(result.stdout)).toEqual([expect.objectContaining({ pod: 'default/good', podIPs: [expect.any(String)], error: null })]);
    expect(problemsLogged(result.stderr).map((p) => [p.file, p.code])).toEqual([
      [join(manifests, 'bomb.yaml'), 'MANIFEST_INVALID'],
      [join(manifests, 'list.yaml'), 'MANIFEST_INVALID'],
    ]);
  });

  it('survives a manifest nested thousands of levels deep (it used to abort the process) and runs the other pods', async () => {
    await writeFile(join(manifests, 'deep.yaml'), DEEP_NESTING);

    const result = await run();

    expect(result.code).toBe(0);
    expect(podLines(result.stdout).map((line) => [line.pod, line.podIPs.length])).toEqual([['default/good', 1]]);
    expect(problemsLogged(result.stderr).map((p) => [p.file, p.code])).toEqual([[join(manifests, 'deep.yaml'), 'MANIFEST_INVALID']]);
  });

  it('skips a manifest file over --max-manifest-bytes as MANIFEST_TOO_LARGE', async () => {
    await writeFile(join(manifests, 'padded.yaml'), `${POD('padded')}# ${'x'.repeat(600)}\n`);

    const result = await run('--max-manifest-bytes', '512');

    expect(result.code).toBe(0);
    expect(podLines(result.stdout).map((line) => line.pod)).toEqual(['default/good']);
    expect(problemsLogged(result.stderr)).toEqual([{ file: join(manifests, 'padded.yaml'), code: 'MANIFEST_TOO_LARGE', message: expect.stringContaining('over the limit of 512') }]);
  });

  it('refuses a --max-manifest-bytes that is not a size as a usage error', async () => {
    const result = await run('--max-manifest-bytes', '1MB');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^multinet run: `--max-manifest-bytes`: Expected a size like .*got `1MB`\nusage: multinet run /);
  });
});
