import { Gauge, type Registry } from 'prom-client';
import type { BatchLane } from './create-batch-lane.js';

/**
 * The batch lane's live state as gauges read at scrape time: batch-priority requests waiting for a
 * slot, slots in use (lines and single requests), and batch lines in flight in this instance.
 */
export function registerBatchMetrics(options: {
  registry: Registry;
  lane: Pick<BatchLane, 'capacity' | 'runner'>;
}): void {
  const { registry, lane } = options;
  new Gauge({
    name: 'tollgate_batch_queue_depth',
    help: 'Single x-tollgate-priority: batch requests waiting for batch capacity or budget room.',
    registers: [registry],
    collect() {
      this.set(lane.capacity.queued);
    },
  });
  new Gauge({
    name: 'tollgate_batch_slots_in_use',
    help: 'Batch capacity slots held by batch lines and batch-priority requests.',
    registers: [registry],
    collect() {
      this.set(lane.capacity.inFlight);
    },
  });
  new Gauge({
    name: 'tollgate_batch_lines_in_flight',
    help: 'Lines of batch jobs being run by this instance.',
    registers: [registry],
    collect() {
      this.set(lane.runner.linesInFlight);
    },
  });
}
