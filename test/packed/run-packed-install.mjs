#!/usr/bin/env node
// The packed-install test (run by .ci/run after `npm test`): build, `npm pack` every package, and
// for EACH package make a scratch project outside the repository holding only that package's
// tarball and the tarballs of its own @multinet dependencies (so an incomplete dependency list
// fails here), then: import every entry with ESM and with require(), typecheck a consumer under
// strict NodeNext, run a smoke script (for cni-driver and fake-runtime: a pod set up and torn down
// with the spawner executor, fake namespaces and the shipped noop plugin), and for fake-runtime
// `npx multinet demo` and `npx multinet --version`. Prints PASS/FAIL per step; exits 1 on failure.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = dirname(dirname(HERE));
const PACKAGES = ['cni-types', 'checkpoint', 'cni-driver', 'fake-runtime'];
const KEEP = process.env.MULTINET_PACKED_KEEP === '1';
const started = Date.now();
const failures = [];

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 << 20, ...options, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', npm_config_update_notifier: 'false', ...options.env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

async function step(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    console.log(`  ok    ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)${detail ? `: ${detail}` : ''}`);
    return true;
  } catch (error) {
    failures.push(name);
    console.log(`  FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

async function mustRun(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` exited ${result.code}\n${result.stdout}\n${result.stderr}`.trimEnd());
  }
  return result;
}

const readJson = async (file) => JSON.parse(await readFile(file, 'utf8'));

/** The @multinet packages `name` needs, itself included, dependencies first. */
function closure(name, manifests, seen = new Set()) {
  if (seen.has(name)) return [];
  seen.add(name);
  const deps = Object.keys(manifests.get(name).dependencies ?? {}).filter((d) => d.startsWith('@multinet/'));
  return [...deps.flatMap((d) => closure(d, manifests, seen)), name];
}

const work = await mkdtemp(join(tmpdir(), 'multinet-packed-'));
console.log(`packed-install: scratch dir ${work}`);
try {
  const manifests = new Map();
  for (const dir of PACKAGES) {
    const json = await readJson(join(REPO, 'packages', dir, 'package.json'));
    manifests.set(json.name, { ...json, dir });
  }

  if (!(await step('npm run build', async () => void (await mustRun('npm', ['run', 'build'], { cwd: REPO }))))) throw new Error('build failed');

  const tarballs = new Map();
  const packed = await step('npm pack every package', async () => {
    await mkdir(join(work, 'tarballs'));
    for (const [name, { dir }] of manifests) {
      const { stdout } = await mustRun('npm', ['pack', '--json', '--pack-destination', join(work, 'tarballs')], { cwd: join(REPO, 'packages', dir) });
      const [info] = JSON.parse(stdout);
      const files = info.files.map((f) => f.path);
      for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
        if (!files.includes(needed)) throw new Error(`${name} tarball lacks ${needed}`);
      }
      if (files.some((f) => f.startsWith('src/'))) throw new Error(`${name} tarball ships src/`);
      if (name === '@multinet/cni-driver' && !files.includes('native/spawner.c')) throw new Error('cni-driver tarball lacks native/spawner.c');
      if (name === '@multinet/fake-runtime' && !files.includes('fixtures/plugins/noop')) throw new Error('fake-runtime tarball lacks fixtures/plugins/noop');
      tarballs.set(name, join(work, 'tarballs', info.filename));
    }
    return [...tarballs.values()].map((t) => t.split('/').pop()).join(', ');
  });
  if (!packed) throw new Error('npm pack failed');

  // The noop plugin for the cni-driver project comes from the fake-runtime tarball, unpacked aside.
  const noopDir = join(work, 'fake-runtime-unpacked');
  await step('unpack the noop plugin from the fake-runtime tarball', async () => {
    await mkdir(noopDir);
    await mustRun('tar', ['-xzf', tarballs.get('@multinet/fake-runtime'), '-C', noopDir]);
  });

  const tscOf = (project) => join(project, 'node_modules', 'typescript', 'bin', 'tsc');

  for (const [name, { dir, exports: exportMap }] of manifests) {
    console.log(`${name}:`);
    const project = join(work, `project-${dir}`);
    const needed = closure(name, manifests);
    const ok = await step(`install ${needed.join(' + ')} (tarballs) with typescript@5 and @types/node@20`, async () => {
      await mkdir(project);
      await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: `packed-${dir}`, private: true, type: 'module' }, null, 2)}\n`);
      await mustRun('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...needed.map((n) => tarballs.get(n)), 'typescript@5', '@types/node@20'], { cwd: project });
    });
    if (!ok) continue;

    const entries = Object.keys(exportMap).filter((key) => key !== './package.json').map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
    for (const entry of entries) {
      await step(`import('${entry}')`, async () => {
        const { stdout } = await mustRun(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); console.log(Object.keys(m).length);`], { cwd: project });
        if (Number(stdout.trim()) === 0) throw new Error('no exports');
        return `${stdout.trim()} exports`;
      });
      await step(`require('${entry}')`, async () => {
        const { stdout } = await mustRun(process.execPath, ['--no-warnings', '-e', `console.log(Object.keys(require(${JSON.stringify(entry)})).length)`], { cwd: project });
        if (Number(stdout.trim()) === 0) throw new Error('no exports');
        return `${stdout.trim()} exports`;
      });
    }

    await step('typecheck a consumer under strict NodeNext', async () => {
      await cp(join(HERE, 'consumers', `${dir}.ts`), join(project, 'consumer.ts'));
      await writeFile(
        join(project, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true,
            exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false, types: ['node'],
          },
          files: ['consumer.ts'],
        }),
      );
      await mustRun(process.execPath, [tscOf(project), '-p', 'tsconfig.json'], { cwd: project });
    });

    await step(`smoke test (${dir}.mjs)`, async () => {
      await cp(join(HERE, 'smoke', `${dir}.mjs`), join(project, 'smoke.mjs'));
      await mustRun(process.execPath, ['smoke.mjs'], { cwd: project, env: { NOOP_PLUGIN_DIR: join(noopDir, 'package', 'fixtures', 'plugins') } });
    });

    if (name === '@multinet/fake-runtime') {
      await step('npx multinet --version', async () => {
        const { stdout } = await mustRun('npx', ['--no-install', 'multinet', '--version'], { cwd: project });
        if (stdout.trim() !== manifests.get(name).version) throw new Error(`printed ${JSON.stringify(stdout)}`);
        return stdout.trim();
      });
      await step('npx multinet demo', async () => {
        const { stdout } = await mustRun('npx', ['--no-install', 'multinet', 'demo'], { cwd: project });
        if (!stdout.includes('3 pods set up (0 failed), runtime restarted, 3 pods torn down, 0 records left')) throw new Error(`printed ${stdout}`);
        return stdout.trim().split('\n').pop();
      });
      await step('npx multinet --help', async () => {
        const { stdout } = await mustRun('npx', ['--no-install', 'multinet', '--help'], { cwd: project });
        if (!stdout.startsWith('usage: multinet')) throw new Error(`printed ${stdout}`);
      });
    }
  }
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  if (KEEP) console.log(`packed-install: kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (failures.length > 0) {
  console.log(`packed-install: FAIL (${failures.length} step(s) failed in ${seconds}s: ${failures.join('; ')})`);
  process.exitCode = 1;
} else {
  console.log(`packed-install: PASS (${seconds}s)`);
}
