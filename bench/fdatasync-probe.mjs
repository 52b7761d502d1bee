/**
 * What an fdatasync costs on this disk: after an append that grows the file (every growth is a
 * journal commit) against after an overwrite of space written and synced beforehand (data only).
 * `node bench/fdatasync-probe.mjs [dir]` (default: the OS temp dir; use the state dir's disk).
 */
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2] ?? tmpdir();
const buf = Buffer.alloc(2500, 120);
const N = 500;
const time = (fn) => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6 / N;
};
for (let round = 0; round < 2; round++) {
  const appended = join(dir, `multinet-fds-append-${process.pid}.log`);
  const zeroed = join(dir, `multinet-fds-zero-${process.pid}.log`);
  let fd = openSync(appended, 'w');
  const append = time(() => {
    for (let i = 0; i < N; i++) {
      writeSync(fd, buf);
      fdatasyncSync(fd);
    }
  });
  closeSync(fd);
  fd = openSync(zeroed, 'w');
  writeSync(fd, Buffer.alloc(N * buf.length + 4096));
  fdatasyncSync(fd);
  const overwrite = time(() => {
    for (let i = 0; i < N; i++) {
      writeSync(fd, buf, 0, buf.length, i * buf.length);
      fdatasyncSync(fd);
    }
  });
  closeSync(fd);
  rmSync(appended, { force: true });
  rmSync(zeroed, { force: true });
  process.stdout.write(`${JSON.stringify({ dir, appendMs: +append.toFixed(3), overwritePrezeroedMs: +overwrite.toFixed(3) })}\n`);
}
