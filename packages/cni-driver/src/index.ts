/**
 * `@multinet/cni-driver`: the multi-network CNI driver — conf/bin catalog, plugin invocation,
 * chains (ADD/CHECK/DEL/GC/STATUS) with libcni's semantics, and pods on several networks.
 *
 * @packageDocumentation
 */
export * from '@multinet/cni-types';
export type { PluginExecutor, PluginExecRequest, PluginExecOutcome } from './invoke/plugin-executor.ts';
export { createExecaExecutor } from './invoke/execa-executor.ts';
export { createNodeSpawnerExecutor } from './invoke/node-spawner-executor.ts';
export { invokePlugin, INVOKE_DEFAULTS, type InvokePluginRequest } from './invoke/invoke-plugin.ts';
export { invokePluginVersion } from './invoke/version-probe.ts';
export { findPlugin, validatePluginType } from './invoke/plugin-path.ts';
export { buildPluginEnv, type CniCommand, type PluginEnvInput } from './invoke/plugin-env.ts';
export { parsePluginOutcome, type PluginCallContext } from './invoke/plugin-outcome.ts';
export type { ChainCallOptions, ChainContext, RuntimeConf } from './chain/chain-context.ts';
export { buildPluginStdin, selectRuntimeConfig, type PluginStdinInput } from './chain/plugin-stdin.ts';
export { formatJsonLikeGo } from './chain/go-json.ts';
export { addNetworkList } from './chain/add-network-list.ts';
export { delNetworkList } from './chain/del-network-list.ts';
export { checkNetworkList } from './chain/check-network-list.ts';
export { gcNetworkList, type GcArgs, type GcAttachment } from './chain/gc-network-list.ts';
export { getStatusNetworkList } from './chain/status-network-list.ts';
export { getVersionInfo, validateNetworkList } from './chain/version-info.ts';
export { createCniConfig, type CniConfig, type CniConfigOptions, type CallOptions } from './chain/cni-config.ts';
export {
  buildCachePath,
  listCachedAttachments,
  readCachedResult,
  removeCachedResult,
  writeCachedResult,
  type CachedAttachment,
} from './cache/result-cache.ts';
export { runCnitool, loadConfList, buildCnitoolContainerId, formatCnitoolResult, type CnitoolIo } from './cnitool/run-cnitool.ts';
export { createCatalog, type Catalog, type CatalogOptions } from './config/catalog.ts';
export type { CatalogNetwork, CatalogPlugin, CatalogProblem, CatalogSnapshot } from './config/catalog-snapshot.ts';
export { selectConfFiles, compareBytes, CONF_EXTENSIONS } from './config/conf-files.ts';
export { SILENT_LOGGER, type Logger } from './internal/logger.ts';
export { selectObject, type ObjectSource, type ObjectProblem } from './objects/object-source.ts';
export { createStaticObjectSource, type StaticObjectSource } from './objects/static-source.ts';
export { createDirWatcher, type DirWatcher, type DirChange } from './watch/chokidar-watcher.ts';
export { createVersionNegotiator, type VersionNegotiator, type VersionNegotiatorOptions } from './version/version-negotiator.ts';
export { buildPodPlan, resolveNetwork, type BuildPodPlanInput, type ResolvedNetwork } from './plan/build-pod-plan.ts';
export { assignInterfaceNames, type InterfaceNameOptions, type InterfaceNameRequest } from './plan/interface-names.ts';
export { buildPodArgs, buildAttachmentArgs, buildCapabilityArgs } from './plan/pod-args.ts';
export { resolveReference, type ResolvedReference } from './plan/resolve-reference.ts';
export { buildNadConfig, buildMultusNetworkConfig, buildObjectConfigList, applyCniArgs, type ObjectConfig } from './plan/object-config.ts';
export { buildThickConfig, buildLoopbackConfig } from './plan/thick-config.ts';
export { createCniDriver, openCniDriver } from './pod/create-cni-driver.ts';
export { POD_TRACING_CHANNEL, type PodOperationMessage } from './pod/pod-tracing.ts';
export { buildAttachmentKey, PlannedAttachmentSchema, ATTACHMENT_SOURCES, type DefaultRoutePlan } from './attach/attachment.ts';
export {
  parsePodRecord,
  buildAttachmentRecord,
  PodRecordSchema,
  AttachmentRecordSchema,
  POD_RECORD_KIND,
  POD_RECORD_VERSION,
  ATTACHMENT_STATES,
  SANDBOX_PHASES,
  type PodRecord,
  type AttachmentRecord,
  type AttachmentState,
} from './attach/sandbox-record.ts';
export { selectReconcileSteps, type ReconcileSteps } from './attach/reconcile-steps.ts';
export type { RetryBackoffOptions } from './attach/retry-backoff.ts';
export { createIpRouteEditor, type DefaultRouteEditor, type IpRouteEditorOptions } from './attach/route-editor.ts';
export { editDefaultRoutesInResult } from './attach/default-route-result.ts';
export { selectDefaultRoutePlans } from './plan/default-route-plan.ts';
export { acquireStateDirLock, type StateDirLock, type StateDirLockOptions, type StateDirOwner } from './fence/state-dir-lock.ts';
export { buildPodNetworkStatus, buildAttachmentStatus } from './pod/pod-status.ts';
export { NETWORK_STATUS_ANNOTATION, buildNetworkStatusEntry, formatNetworkStatusAnnotation, type NetworkStatusEntry, type NetworkStatusSource } from './status/network-status-annotation.ts';
export { buildPodIPEntries } from './status/pod-ip-entries.ts';
export type * from './pod/driver-api.ts';
export type * from './pod/pod-types.ts';
export { createSpawnerExecutor, type SpawnerExecutorOptions } from './invoke/spawner-executor.ts';
export { buildSpawner } from './invoke/spawner-build.ts';
export { CNITOOL_USAGE } from './cnitool/run-cnitool.ts';
export { PLUGIN_TRACING_CHANNEL, PLUGIN_CHANNELS, type PluginCallMessage } from './invoke/invoke-plugin.ts';
export { wrapLogger, type LoggerLike } from './internal/logger.ts';
