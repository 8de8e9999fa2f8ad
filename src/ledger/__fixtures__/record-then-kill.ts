// Child process of the durability test: records N requests, then is killed with SIGKILL the moment
// the last recordRequest returns, with no chance to flush or close.
import { createLedger } from '../create-ledger.js';
import type { LedgerConfig } from '../ledger.js';
import { sampleAttempt, sampleRequest } from './sample-records.js';

const [configJson, countText, prefix] = process.argv.slice(2);
if (!configJson || !countText || !prefix) throw new Error('usage: record-then-kill CONFIG_JSON COUNT ID_PREFIX');
const config = JSON.parse(configJson) as LedgerConfig;
const silent = { warn() {}, error() {} };
const ledger = await createLedger(config, { logger: silent });
const count = Number(countText);
for (let index = 0; index < count; index += 1) {
  const request = sampleRequest({ requestId: `${prefix}-${index}`, startedAt: Date.UTC(2026, 6, 1) + index });
  ledger.recordRequest(request, [sampleAttempt(request)]);
}
process.kill(process.pid, 'SIGKILL');
