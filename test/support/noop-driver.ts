/**
 * The bed of the driver's unit tests under packages/cni-driver/src/pod: a temp dir per test with
 * a conf dir of noop networks (each steered by its own control file), an object source, and the
 * drivers a test opened, closed after it. Namespace paths under the temp dir do not exist; the
 * noop never enters them.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createExecaExecutor } from '../../packages/cni-driver/src/invoke/execa-executor.ts';
import { createStaticObjectSource, type StaticObjectSource } from '../../packages/cni-driver/src/objects/static-source.ts';
import { createCniDriver } from '../../packages/cni-driver/src/pod/create-cni-driver.ts';
import type { CniDriver, CniDriverOptions } from '../../packages/cni-driver/src/pod/driver-api.ts';
import { FIXTURE_PLUGIN_DIR, readNoopLog } from './noop.ts';

/** One conf file of the bed: `[file name, network name, cniVersion]`. */
export type NoopConf = readonly [file: string, name: string, cniVersion: string];

/** What a bed starts each test with. */
export interface NoopDriverBedSetup {
  /** The temp dir's name prefix. */
  readonly prefix: string;
  /** Conf files written into the conf dir before each test. */
  readonly confs: readonly NoopConf[];
  /** The networks of the object source. */
  readonly objects: Parameters<typeof createStaticObjectSource>[0];
}

/** The bed of one test file (see {@link useNoopDriverBed}); its paths change with each test. */
export interface NoopDriverBed {
  readonly dir: string;
  /** `<dir>/net.d` */
  readonly confDir: string;
  /** `<dir>/state` */
  readonly stateDir: string;
  readonly objects: StaticObjectSource;
  /** The noop control (and call log) file of a network. */
  controlOf(net: string): string;
  /** The commands the noop of a network was called with, in order. */
  commandsOf(net: string): Promise<string[]>;
  /** Steers the noop of a network. */
  control(net: string, value: unknown): Promise<void>;
  /** Writes a one-plugin conf list of `type` (default the noop) steered by `controlOf(name)`. */
  writeConf(file: string, name: string, cniVersion: string, type?: string): Promise<void>;
  /** A driver on the bed's dirs (execa executor, no watch, no loopback), closed after the test. */
  openDriver(patch?: Partial<CniDriverOptions>): CniDriver;
  /** Closes a driver the test opened itself after the test, as those of `openDriver`. */
  adopt(driver: CniDriver): CniDriver;
}

/** Registers the bed's per-test setup and teardown; returns its accessors. */
export function useNoopDriverBed(setup: NoopDriverBedSetup): NoopDriverBed {
  let dir = '';
  let objects: StaticObjectSource | undefined;
  const drivers: CniDriver[] = [];
  const bed: NoopDriverBed = {
    get dir() {
      return dir;
    },
    get confDir() {
      return join(dir, 'net.d');
    },
    get stateDir() {
      return join(dir, 'state');
    },
    get objects() {
      if (!objects) throw new Error('the bed is only set up inside a test');
      return objects;
    },
    controlOf: (net) => join(dir, `${net}.json`),
    commandsOf: async (net) => (await readNoopLog(bed.controlOf(net))).map((e) => e.command),
    control: (net, value) => writeFile(bed.controlOf(net), JSON.stringify(value)),
    async writeConf(file, name, cniVersion, type = 'noop') {
      await writeFile(join(bed.confDir, file), JSON.stringify({ cniVersion, name, plugins: [{ type, debugFile: bed.controlOf(name) }] }));
    },
    openDriver(patch = {}) {
      const driver = createCniDriver({ confDir: bed.confDir, pluginDirs: [FIXTURE_PLUGIN_DIR], stateDir: bed.stateDir, objectSource: bed.objects, executor: createExecaExecutor(), watch: false, loopback: false, ...patch });
      return bed.adopt(driver);
    },
    adopt(driver) {
      drivers.push(driver);
      return driver;
    },
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), setup.prefix));
    await mkdir(bed.confDir);
    for (const [file, name, cniVersion] of setup.confs) await bed.writeConf(file, name, cniVersion);
    objects = createStaticObjectSource(setup.objects);
  });
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close({ abort: true })));
    await rm(dir, { recursive: true, force: true });
  });
  return bed;
}

/** A logger without `child` that keeps every call. */
export function recordingLogger() {
  const calls: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg?: string) => calls.push({ level, obj, msg });
  return { calls, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
