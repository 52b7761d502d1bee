/**
 * `@multinet/fake-runtime`: a kubelet-like harness around `@multinet/cni-driver` — an in-memory
 * API loaded from manifests, sandboxes as network namespaces, a sync loop, and restarts.
 *
 * @packageDocumentation
 */
export { createFakeRuntime, type FakeRuntime, type FakeRuntimeEvents, type FakeRuntimeOptions, type SyncReport } from './runtime.ts';
export { createInMemoryApi, parsePodRef, type ApiPod, type ApiPodStatus, type ApiNetworkObject, type InMemoryApi, type PodInput } from './api/in-memory-api.ts';
export { derivePodUid } from './api/pod-uid.ts';
export { buildNetnsName, type NetnsMode } from './sandbox/netns.ts';
export { buildPodLine, type PodLine } from './cli/pod-line.ts';
export { main } from './cli/main.ts';
export { noopPluginDir, noopPluginPath, demoFixturesDir } from './fixtures/fixture-paths.ts';
export type { CommandIo } from './cli/run-command.ts';
export type { ApiEvents } from './api/in-memory-api.ts';
export { startK8sSource, type K8sSource, type K8sSourceOptions } from './api/k8s-source.ts';
