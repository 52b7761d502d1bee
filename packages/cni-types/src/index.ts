/**
 * `@multinet/cni-types`: zod schemas and types for CNI spec 0.1.0–1.1.0 — configs, results,
 * errors, versions, result conversion, libcni's cache record. Pure: no I/O.
 *
 * @packageDocumentation
 */
export * from './errors.ts';
export * from './version/cni-version.ts';
export * from './config/network-config.ts';
export * from './identifiers.ts';
export * from './cni-args.ts';
export * from './result/result-schemas.ts';
export * from './result/convert-result.ts';
export * from './result/plugin-answers.ts';
export * from './cache/cache-record.ts';
export * from './objects/network-object.ts';
export * from './selection/wanted-attachment.ts';
export * from './selection/selection-fields.ts';
export * from './selection/runtime-config-fields.ts';
export * from './selection/alpha-networks.ts';
export * from './selection/npwg-networks.ts';
export * from './selection/kep-networks.ts';
export * from './selection/genie-cni.ts';
export * from './selection/multus2017-networks.ts';
export * from './selection/danm-interfaces.ts';
export * from './selection/network-selection.ts';
export * from './objects/network-objects.ts';
