import { describe, expect, it } from 'vitest';
import { createFaultCounter, selectFaultDraw, validateFaultPlan, type FaultCall } from './fault-plan.ts';

const call = (network: string, command: string, pod = 'default/web'): FaultCall => ({ network, command, pod });

describe('createFaultCounter', () => {
  it('hits the nth matching call of a network and verb, counted over every pod', () => {
    const counter = createFaultCounter({ plugins: [{ network: 'dbnet', command: 'ADD', nth: 2, action: 'fail' }] });
    expect(counter.decide(call('dbnet', 'ADD', 'default/a')).fault).toBeUndefined();
    expect(counter.decide(call('podnet', 'ADD', 'default/a')).fault).toBeUndefined();
    expect(counter.decide(call('dbnet', 'DEL', 'default/a')).fault).toBeUndefined();
    expect(counter.decide(call('dbnet', 'ADD', 'default/b')).fault).toMatchObject({ network: 'dbnet', command: 'ADD', pod: 'default/b', nth: 2, action: 'fail', code: 100 });
    expect(counter.decide(call('dbnet', 'ADD', 'default/c')).fault).toBeUndefined();
  });

  it('counts per pod when the rule names one, and takes a list of call numbers', () => {
    const counter = createFaultCounter({ plugins: [{ network: 'dbnet', command: 'DEL', pod: 'default/b', nth: [1, 3], action: 'kill' }] });
    expect(counter.decide(call('dbnet', 'DEL', 'default/a')).fault).toBeUndefined();
    expect(counter.decide(call('dbnet', 'DEL', 'default/b')).fault?.nth).toBe(1);
    expect(counter.decide(call('dbnet', 'DEL', 'default/b')).fault).toBeUndefined();
    expect(counter.decide(call('dbnet', 'DEL', 'default/b')).fault?.nth).toBe(3);
  });

  it('lets the first rule that hits a call win, while every matching rule counts it', () => {
    const counter = createFaultCounter({
      plugins: [
        { network: 'dbnet', command: 'ADD', nth: 1, action: 'hang' },
        { network: 'dbnet', command: 'ADD', nth: [1, 2], action: 'fail' },
      ],
    });
    expect(counter.decide(call('dbnet', 'ADD')).fault?.action).toBe('hang');
    expect(counter.decide(call('dbnet', 'ADD')).fault).toMatchObject({ action: 'fail', nth: 2 });
  });

  it('draws probability faults from the seed and the call alone, so the order of pods does not matter', () => {
    const plan = { seed: 7, plugins: [{ network: 'podnet', command: 'ADD' as const, probability: 0.5, action: 'fail' as const }] };
    const pods = Array.from({ length: 20 }, (_, i) => `default/pod-${i}`);
    const hits = (order: string[]): string[] => {
      const counter = createFaultCounter(plan);
      return order.filter((pod) => counter.decide(call('podnet', 'ADD', pod)).fault).sort();
    };
    expect(hits([...pods].reverse())).toEqual(hits(pods));
    expect(hits(pods).length).toBeGreaterThan(0);
    expect(hits(pods).length).toBeLessThan(pods.length);
    expect(selectFaultDraw(7, 0, call('podnet', 'ADD', 'default/pod-1'), 1)).toBe(selectFaultDraw(7, 0, call('podnet', 'ADD', 'default/pod-1'), 1));
    expect(selectFaultDraw(8, 0, call('podnet', 'ADD', 'default/pod-1'), 1)).not.toBe(selectFaultDraw(7, 0, call('podnet', 'ADD', 'default/pod-1'), 1));
  });

  it('fires the crash point once, at its nth matching call, after or before as asked', () => {
    const counter = createFaultCounter({ crash: { network: 'dbnet', command: 'ADD', nth: 2 } });
    expect(counter.decide(call('dbnet', 'ADD')).crash).toBeUndefined();
    expect(counter.decide(call('dbnet', 'ADD')).crash).toMatchObject({ nth: 2, action: 'crash-after' });
    expect(counter.decide(call('dbnet', 'ADD')).crash).toBeUndefined();
    expect(createFaultCounter({ crash: { network: 'dbnet', command: 'ADD', nth: 1, when: 'before' } }).decide(call('dbnet', 'ADD')).crash?.action).toBe('crash-before');
  });
});

describe('validateFaultPlan', () => {
  it('accepts a plan with nth, probability and a crash point', () => {
    expect(() =>
      validateFaultPlan({
        seed: 3,
        plugins: [
          { network: 'a', command: 'ADD', nth: 1, action: 'fail', code: 11, msg: 'x' },
          { network: 'b', command: 'CHECK', probability: 0.1, action: 'hang', pod: 'ns/p' },
        ],
        crash: { network: 'a', command: 'DEL', nth: 3, when: 'before' },
      }),
    ).not.toThrow();
  });

  it.each([
    [{ seed: 1.5 }, 'Expected `faults.seed` to be an integer, got `1.5`'],
    [{ plugins: [{ network: '', command: 'ADD', nth: 1, action: 'fail' }] }, 'Expected `faults.plugins[0].network` to be a network name, got `""`'],
    [{ plugins: [{ network: 'a', command: 'ADD', nth: 1, probability: 0.5, action: 'fail' }] }, 'Expected `faults.plugins[0]` to have either `nth` or `probability`'],
    [{ plugins: [{ network: 'a', command: 'ADD', nth: [], action: 'fail' }] }, 'Expected `faults.plugins[0].nth` to be a call number from 1 (or a list of them), got `[]`'],
    [{ plugins: [{ network: 'a', command: 'ADD', nth: 1, action: 'fail', pod: 'web' }] }, 'Expected `faults.plugins[0].pod` to be `namespace/name`, got `"web"`'],
    [{ plugins: [{ network: 'a', command: 'ADD', nth: 1, action: 'fail', code: 0 }] }, 'Expected `faults.plugins[0].code` to be a positive integer, got `0`'],
    [{ crash: { network: 'a', command: 'ADD', nth: 1.5 } }, 'Expected `faults.crash.nth` to be a call number from 1, got `1.5`'],
  ])('refuses %j with a TypeError naming the field', (plan, message) => {
    expect(() => validateFaultPlan(plan as never)).toThrow(new TypeError(message));
  });
});
