/**
 * The helper client leaves nothing on a caller's abort signal: the abort listener a call adds
 * goes away when the call is aborted and when it finishes.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { call, fakeHelpers } from '../../../../test/support/fake-spawner-helper.ts';

describe("the spawner helper client and the caller's abort signal", () => {
  it('removes its abort listener from the signal as soon as the call is aborted', async () => {
    const { executor } = fakeHelpers();
    try {
      const controller = new AbortController();
      const held = executor.execPlugin(call({ hold: true }, { signal: controller.signal }));
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      controller.abort();
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      expect(await held).toMatchObject({ aborted: true });
    } finally {
      await executor.close?.();
    }
  });

  it('removes its abort listener from the signal once the call has finished', async () => {
    const { executor } = fakeHelpers();
    try {
      const controller = new AbortController();
      expect(await executor.execPlugin(call({ kind: 0, out: 'done' }, { signal: controller.signal }))).toMatchObject({ stdout: 'done', aborted: false });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      await executor.close?.();
    }
  });
});
