// A consumer of @multinet/cni-types, typechecked under strict NodeNext against the packed tarball.
import { CNI_ERROR_CODES, isCniError, parseNetworkConfigList, type CniErrorCode, type NetworkConfigList } from '@multinet/cni-types';

const list: NetworkConfigList = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'net', plugins: [{ type: 'noop' }] }));
const code: CniErrorCode = CNI_ERROR_CODES.CONFIG_INVALID;
export const summary: string = `${list.name} ${code} ${String(isCniError(new Error('x')))}`;
