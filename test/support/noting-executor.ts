/**
 * The execa executor, noting for each plugin call, in order, `<verb> <network> started` (with
 * ` held` when it came with a stdin gate), `… config` once its gate opened (at once without one)
 * or `… never given its config` when the gate failed, and `… done` when it ended.
 */
import { createExecaExecutor } from '../../packages/cni-driver/src/invoke/execa-executor.ts';
import type { PluginExecutor } from '../../packages/cni-driver/src/invoke/plugin-executor.ts';

/** A noting executor: its events, and a promise settled at its first call. */
export interface NotingExecutor extends PluginExecutor {
  readonly events: string[];
  readonly called: Promise<void>;
}

/** Creates a noting executor that appends to `events` (a fresh list by default). */
export function createNotingExecutor(events: string[] = []): NotingExecutor {
  const inner = createExecaExecutor();
  let called!: () => void;
  const calledOnce = new Promise<void>((resolve) => (called = resolve));
  return {
    events,
    called: calledOnce,
    gatesStdin: true,
    async execPlugin(request) {
      const call = `${request.env['CNI_COMMAND']} ${(JSON.parse(request.stdin) as { name: string }).name}`;
      events.push(`${call} started${request.stdinGate ? ' held' : ''}`);
      void (request.stdinGate ?? Promise.resolve()).then(() => events.push(`${call} config`), () => events.push(`${call} never given its config`));
      called();
      const outcome = await inner.execPlugin(request);
      events.push(`${call} done`);
      return outcome;
    },
  };
}
