/**
 * P5's fresh process: open the checkpoint store and load and verify every pod record, as a
 * restarted runtime does; prints {ms, records, maxRssMb}.
 */
import { createCheckpointStore } from '@multinet/checkpoint';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION } from '@multinet/cni-driver';

const dir = process.argv[2];
if (!dir) throw new Error('usage: p5-load.ts <dir>');
const start = process.hrtime.bigint();
const store = await createCheckpointStore({ dir, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
const { records, problems } = await store.list();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
if (problems.length > 0) throw new Error(`${problems.length} records failed to load`);
process.stdout.write(JSON.stringify({ ms, records: records.length, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
