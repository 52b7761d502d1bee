/**
 * `@multinet/fake-runtime`: a kubelet-like harness around `@multinet/cni-driver` — an in-memory
 * API loaded from manifests, sandboxes as network namespaces, a sync loop, and restarts.
 *
 * @packageDocumentation
 */
export { createFakeRuntime, type FakeRuntime, type FakeRuntimeEvents, type FakeRuntimeOptions, type SyncReport, type WaitForOptions } from './runtime.ts';
export { FakeRuntimeError, isFakeRuntimeError, FAKE_RUNTIME_ERROR_CODES, type FakeRuntimeErrorCode, type FakeRuntimeErrorDetails } from './errors.ts';
export type { FaultPlan, PluginFault, PluginFaultAction, CrashPoint, FaultCommand, FaultTarget, InjectedFault } from './faults/fault-plan.ts';
export { createInMemoryApi, parsePodRef, type ApiPod, type ApiPodStatus, type ApiNetworkObject, type InMemoryApi, type PodInput } from './api/in-memory-api.ts';
export { derivePodUid } from './api/pod-uid.ts';
export { buildNetnsName, validateNetnsPrefix, DEFAULT_NETNS_PREFIX, type NetnsMode } from './sandbox/netns.ts';
export { readStateDir, type StateDirInspection, type SandboxView, type AttachmentView, type StateDirOwnerView, type UnreadableRecordView, type QuarantinedFileView } from './cli/inspect-state.ts';
export { buildPodLine, type PodLine } from './cli/pod-line.ts';
export { main } from './cli/main.ts';
export { noopPluginDir, noopPluginPath, demoFixturesDir } from './fixtures/fixture-paths.ts';
export type { CommandIo } from './cli/run-command.ts';
export type { ApiEvents } from './api/in-memory-api.ts';
export { startK8sSource, type K8sSource, type K8sSourceOptions } from './api/k8s-source.ts';
