/**
 * A stable UID for manifest pods that have none, so that every restart sees the same pod.
 */
import { createHash } from 'node:crypto';

/**
 * Derives a UUID-shaped UID (version 5 layout, SHA-1 of `namespace/name`) for a pod without
 * `metadata.uid`. Same input, same UID, across processes and restarts.
 */
export function derivePodUid(namespace: string, name: string): string {
  const hex = createHash('sha1').update(`multinet-pod:${namespace}/${name}`).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
