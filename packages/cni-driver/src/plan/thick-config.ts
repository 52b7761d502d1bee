/**
 * The config the driver writes for a thick network (a Network object naming a plugin binary).
 */

/**
 * `{"cniVersion", "name": <object name>, "plugins": [{"type": <binary>}]}`, as the 2017 patch
 * generated it (with the negotiated version instead of a fixed 0.2.0). With a kubeconfig
 * (F8), the plugin conf carries `"kubeconfig": <path>` — the key Multus-style plugins read to
 * reach the API; the pod's identity reaches them through CNI_ARGS (`K8S_POD_*`).
 */
export function buildThickConfig(objectName: string, pluginType: string, cniVersion: string, kubeconfig?: string): string {
  const plugin: Record<string, unknown> = { type: pluginType };
  if (kubeconfig !== undefined) plugin['kubeconfig'] = kubeconfig;
  return `${JSON.stringify({ cniVersion, name: objectName, plugins: [plugin] }, null, 2)}\n`;
}

/** The loopback network brought up first in every sandbox. */
export function buildLoopbackConfig(cniVersion: string): string {
  return JSON.stringify({ cniVersion, name: 'cni-loopback', plugins: [{ type: 'loopback' }] });
}
