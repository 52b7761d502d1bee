import { describe, expect, it } from 'vitest';
import { createDriverLife, gateMethods } from './driver-life.ts';

const settledWithin = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(() => (settled = true), () => (settled = true));
  // Enough turns for any already-resolved step to deliver.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return settled;
};

describe('createDriverLife', () => {
  it('delivers results and errors while alive', async () => {
    const life = createDriverLife();
    await expect(life.gate(async () => 1)).resolves.toBe(1);
    await expect(life.gate(async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
  });

  it('never delivers a step that settles after the crash, nor starts a new one', async () => {
    const life = createDriverLife();
    let release!: () => void;
    const inFlight = life.gate(() => new Promise<void>((resolve) => (release = resolve)));
    life.crash();
    release();
    let started = false;
    const late = life.gate(async () => {
      started = true;
    });
    expect(await settledWithin(inFlight)).toBe(false);
    expect(await settledWithin(late)).toBe(false);
    expect(started).toBe(false);
    expect(life.signal.aborted).toBe(true);
  });

  it('waits in idle() for the tracked calls to settle', async () => {
    const life = createDriverLife();
    let release!: () => void;
    void life.track(new Promise<void>((resolve) => (release = resolve)));
    const idle = life.idle();
    expect(await settledWithin(idle)).toBe(false);
    release();
    await idle;
  });
});

describe('gateMethods', () => {
  it('gates the methods of an object but the ones excepted, through the life current at each call', async () => {
    let life = createDriverLife();
    const target = { name: () => 'sync', run: async () => 'ran' };
    const gated = gateMethods(target, () => life, ['name']);
    expect(gated.name()).toBe('sync');
    await expect(gated.run()).resolves.toBe('ran');
    life.crash();
    expect(await settledWithin(gated.run())).toBe(false);
    life = createDriverLife();
    await expect(gated.run()).resolves.toBe('ran');
  });
});
