// Runs in a scratch project where only the @multinet/cni-types tarball is installed.
import assert from 'node:assert/strict';
import { isCniError, parseNetworkConfigList, convertResult, parseResult } from '@multinet/cni-types';

const list = parseNetworkConfigList(JSON.stringify({ cniVersion: '1.0.0', name: 'podnet', plugins: [{ type: 'bridge' }] }));
assert.equal(list.name, 'podnet');
const result = parseResult({ cniVersion: '1.0.0', ips: [{ address: '10.250.0.5/24' }] }, { cniVersion: '1.0.0' });
assert.equal(convertResult(result, '0.4.0').cniVersion, '0.4.0');
assert.throws(() => parseNetworkConfigList('{}'), (error) => isCniError(error) && error.code === 'CONFIG_INVALID');
