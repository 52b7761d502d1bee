/**
 * A stand-in spawner helper for the helper client's tests (packages/cni-driver/src/invoke/
 * helper-client*.test.ts), and the executor built on it. Test-only: it lives here, outside the
 * package sources, so it is neither mutated nor shipped.
 */
import { spawn } from 'node:child_process';
import { createHelperExecutor, type HelperProcess } from '../../packages/cni-driver/src/invoke/helper-client.ts';
import type { PluginExecRequest } from '../../packages/cni-driver/src/invoke/plugin-executor.ts';

/**
 * A stand-in spawner helper speaking the frames of spawner-protocol.ts. Each run frame's stdin is
 * an instruction: the answer to give ({ kind, status, flags, out, err }), `split` (answer in two
 * writes), `stray` (answer id 0xfffffff0, which nobody asked for, first, in the same write),
 * `hold` (answer only when cancelled, with flags 4), `exit` (exit without answering).
 */
export const FAKE_HELPER = `
const held = new Map();
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0, 0); return b; };
const frameOf = (id, a) => {
  const out = Buffer.from(a.out ?? ''), err = Buffer.from(a.err ?? '');
  const status = Buffer.alloc(4); status.writeInt32LE(a.status ?? 0, 0);
  const body = Buffer.concat([u32(id), u32(a.kind ?? 0), status, u32(a.flags ?? 0), u32(out.length), out, u32(err.length), err]);
  return Buffer.concat([u32(body.length), body]);
};
const answer = (id, a) => {
  const frame = frameOf(id, a);
  if (a.split) { process.stdout.write(frame.subarray(0, 7)); setTimeout(() => process.stdout.write(frame.subarray(7)), 20); }
  else if (a.stray) process.stdout.write(Buffer.concat([frameOf(0xfffffff0, { out: 'for nobody' }), frame]));
  else process.stdout.write(frame);
};
let pending = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32LE(0)) {
    const frame = pending.subarray(4, 4 + pending.readUInt32LE(0));
    pending = pending.subarray(4 + frame.length);
    const id = frame.readUInt32LE(4);
    if (frame.readUInt32LE(0) === 2) {
      if (held.has(id)) { held.delete(id); answer(id, { kind: 1, status: 15, flags: 4, out: 'cancelled ' + id }); }
      continue;
    }
    let off = 20;
    const bytes = () => { const len = frame.readUInt32LE(off); const b = frame.subarray(off + 4, off + 4 + len); off += 4 + len; return b.toString(); };
    bytes();
    for (let n = frame.readUInt32LE((off += 4) - 4); n > 0; n--) bytes();
    const a = JSON.parse(bytes());
    if (a.exit) process.exit(0);
    if (a.hold) held.set(id, a);
    else answer(id, a);
  }
});
process.stdin.on('end', () => process.exit(0));
`;

/** An executor whose helpers are FAKE_HELPER processes; `started` lists them in order. */
export function fakeHelpers() {
  const started: Array<{ fenceFd: number | undefined; child: HelperProcess }> = [];
  const executor = createHelperExecutor((fenceFd) => {
    const child = spawn(process.execPath, ['-e', FAKE_HELPER], { stdio: ['pipe', 'pipe', 'inherit'] });
    started.push({ fenceFd, child });
    return child;
  });
  return { executor, started };
}

/** A request whose stdin is the fake helper's instruction. */
export const call = (instruction: object, patch: Partial<PluginExecRequest> = {}): PluginExecRequest => ({
  path: '/plugin', stdin: JSON.stringify(instruction), env: { CNI_COMMAND: 'ADD' }, timeoutMs: 1000, killGraceMs: 10, maxOutputBytes: 1000, ...patch,
});

/** Resolves once the helper has exited (at once if it already has). */
export const exitOf = (child: HelperProcess): Promise<void> => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
