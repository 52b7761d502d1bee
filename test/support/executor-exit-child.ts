/**
 * An executor's user that calls `process.exit()` while a plugin call runs, for the executor
 * contract: `node --conditions=@multinet/source --import tsx executor-exit-child.ts <json>`.
 * The JSON names the executor's module and factory, and the request (its stdin names the noop's
 * debug file). Exits 0 once the noop logged its call and its grandchild, without awaiting the call.
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface Input {
  readonly module: string;
  readonly factory: string;
  readonly request: { path: string; stdin: string; env: Record<string, string>; timeoutMs: number; killGraceMs: number; maxOutputBytes: number };
  readonly log: string;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const exports = (await import(pathToFileURL(input.module).href)) as Record<string, () => unknown>;
const executor = (await exports[input.factory]!()) as { execPlugin(request: Input['request']): Promise<unknown> };
void executor.execPlugin(input.request);
const logged = (): boolean => existsSync(input.log) && readFileSync(input.log, 'utf8').includes('childPid');
const poll = (): void => {
  if (logged()) process.exit(0);
  setTimeout(poll, 10);
};
poll();
