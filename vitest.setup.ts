// The library never prints: any console output during a test fails it.
import { afterEach, beforeEach } from 'vitest';

const METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
let printed: string[] = [];
const originals = new Map<string, (...args: unknown[]) => void>();

beforeEach(() => {
  printed = [];
  for (const method of METHODS) {
    originals.set(method, console[method] as (...args: unknown[]) => void);
    console[method] = (...args: unknown[]) => {
      printed.push(`console.${method}: ${args.map(String).join(' ')}`);
    };
  }
});

afterEach(() => {
  for (const method of METHODS) {
    const original = originals.get(method);
    if (original) console[method] = original;
  }
  if (printed.length > 0) {
    throw new Error(`test printed to the console:\n${printed.join('\n')}`);
  }
});
