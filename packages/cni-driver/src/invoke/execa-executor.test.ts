import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { FIXTURE_PLUGIN_DIR } from '../../../../test/support/noop.ts';
import { createExecaExecutor } from './execa-executor.ts';
import { describeExecutorContract } from './executor-contract.ts';

describeExecutorContract('execa', join(FIXTURE_PLUGIN_DIR, 'noop'), async () => ({ executor: createExecaExecutor(), close: async () => {} }), {
  module: fileURLToPath(new URL('./execa-executor.ts', import.meta.url)),
  factory: 'createExecaExecutor',
});
