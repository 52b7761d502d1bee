/**
 * P5's fresh process: open the driver's record log, replay it and verify every pod record, as a
 * restarted runtime does; prints {ms, records, maxRssMb, fileMb}. Plain JavaScript on the built
 * packages (what a runtime author installs), so that the figure is not the TypeScript loader's.
 */
import { openRecordLog } from '@multinet/checkpoint';
import { parsePodRecord, POD_RECORD_KIND, POD_RECORD_VERSION } from '@multinet/cni-driver';

const dir = process.argv[2];
if (!dir) throw new Error('usage: p5-load.mjs <dir>');
const start = process.hrtime.bigint();
const log = await openRecordLog({ dir, kind: POD_RECORD_KIND, version: POD_RECORD_VERSION, parse: parsePodRecord });
const { records, problems } = await log.list();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
if (problems.length > 0) throw new Error(`${problems.length} records failed to load: ${problems[0]?.message}`);
const fileMb = log.stats().fileBytes / 2 ** 20;
await log.close();
process.stdout.write(JSON.stringify({ ms, records: records.length, maxRssMb: process.resourceUsage().maxRSS / 1024, fileMb }));
