import type { LoadMode, OverheadCell, OverheadResult, TargetName } from './overhead-result.js';

/** The targets of issue 2 for the gateway's added cost. */
export const OVERHEAD_TARGETS = {
  concurrencyForLatency: 16,
  addedP50Ms: 1,
  addedP99Ms: 5,
  concurrencyForThroughput: 64,
  throughputOverPortkey: 3,
  peakRssMb: 150,
} as const;

const TARGET_LABELS: Record<TargetName, string> = {
  direct: 'direct',
  floor: 'bare Node proxy',
  tollgate: 'Tollgate',
  'tollgate-ledger': 'Tollgate + SQLite ledger',
  portkey: 'Portkey',
};

function find(
  result: OverheadResult,
  target: TargetName,
  mode: LoadMode,
  concurrency: number,
): OverheadCell | undefined {
  return result.cells.find((cell) => cell.target === target && cell.mode === mode && cell.concurrency === concurrency);
}

const ms = (value: number | undefined): string => (value === undefined || Number.isNaN(value) ? '–' : value.toFixed(2));
const signedMs = (value: number | undefined): string =>
  value === undefined || Number.isNaN(value) ? '–' : `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
const rate = (value: number | undefined): string =>
  value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
const cpu = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(3));

/** Added latency of `target` over the direct line at the same mode and concurrency (difference of percentiles). */
export function addedLatency(
  result: OverheadResult,
  target: TargetName,
  mode: LoadMode,
  concurrency: number,
): { p50Ms: number; p99Ms: number } | undefined {
  const direct = find(result, 'direct', mode, concurrency)?.measurement;
  const through = find(result, target, mode, concurrency)?.measurement;
  if (!direct || !through) return undefined;
  return { p50Ms: through.p50Ms - direct.p50Ms, p99Ms: through.p99Ms - direct.p99Ms };
}

function ratio(numerator: number | undefined, denominator: number | undefined): string {
  return numerator && denominator ? (numerator / denominator).toFixed(2) : '–';
}

/** The results as markdown tables plus the verdict on each target. */
export function formatOverheadReport(result: OverheadResult): string {
  const concurrencies = [...new Set(result.cells.map((cell) => cell.concurrency))].sort((a, b) => a - b);
  const targets = (['direct', 'floor', 'tollgate', 'tollgate-ledger', 'portkey'] as const).filter((target) =>
    result.cells.some((cell) => cell.target === target),
  );
  const lines: string[] = [
    '| mode | conc. | through | p50 ms | p99 ms | added p50 / p99 ms | req/s | CPU ms/req |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const mode of ['json', 'stream'] as const) {
    for (const concurrency of concurrencies) {
      for (const target of targets) {
        const cell = find(result, target, mode, concurrency);
        if (!cell) continue;
        const added = target === 'direct' ? undefined : addedLatency(result, target, mode, concurrency);
        lines.push(
          `| ${mode} | ${concurrency} | ${TARGET_LABELS[target]} | ${ms(cell.measurement.p50Ms)} | ${ms(cell.measurement.p99Ms)} | ` +
            `${added ? `${signedMs(added.p50Ms)} / ${signedMs(added.p99Ms)}` : ''} | ${rate(cell.measurement.requestsPerSecond)} | ${cpu(cell.cpuMsPerRequest)} |`,
        );
      }
    }
  }
  if (targets.includes('tollgate') && targets.includes('tollgate-ledger')) {
    lines.push(
      '',
      'The ledger on vs off (issue 3: under 0.2 ms added p50), measured in the same run:',
      '',
      '| mode | conc. | p50 ms off → on | added p50 ms | p99 ms off → on | req/s off → on | CPU ms/req off → on |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const mode of ['json', 'stream'] as const) {
      for (const concurrency of concurrencies) {
        const off = find(result, 'tollgate', mode, concurrency);
        const on = find(result, 'tollgate-ledger', mode, concurrency);
        if (!off || !on) continue;
        lines.push(
          `| ${mode} | ${concurrency} | ${ms(off.measurement.p50Ms)} → ${ms(on.measurement.p50Ms)} | ${signedMs(on.measurement.p50Ms - off.measurement.p50Ms)} | ${ms(off.measurement.p99Ms)} → ${ms(on.measurement.p99Ms)} | ${rate(off.measurement.requestsPerSecond)} → ${rate(on.measurement.requestsPerSecond)} | ${cpu(off.cpuMsPerRequest)} → ${cpu(on.cpuMsPerRequest)} |`,
        );
      }
    }
  }
  if (targets.includes('tollgate') && targets.includes('portkey')) {
    lines.push(
      '',
      '| mode | conc. | Tollgate / Portkey req/s | Portkey / Tollgate CPU per request |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const mode of ['json', 'stream'] as const) {
      for (const concurrency of concurrencies) {
        const tollgate = find(result, 'tollgate', mode, concurrency);
        const portkey = find(result, 'portkey', mode, concurrency);
        lines.push(
          `| ${mode} | ${concurrency} | ${ratio(tollgate?.measurement.requestsPerSecond, portkey?.measurement.requestsPerSecond)} | ${ratio(portkey?.cpuMsPerRequest, tollgate?.cpuMsPerRequest)} |`,
        );
      }
    }
  }
  const memory = targets
    .filter((target) => target !== 'direct')
    .map((target) => {
      const peak = result.memory[target];
      if (!peak) return `${TARGET_LABELS[target]} –`;
      return peak.processes > 1
        ? `${TARGET_LABELS[target]} ${peak.largestMb.toFixed(0)} MB largest process (${peak.totalMb.toFixed(0)} MB over ${peak.processes} processes)`
        : `${TARGET_LABELS[target]} ${peak.largestMb.toFixed(0)} MB`;
    });
  lines.push('', `Peak RSS (VmHWM): ${memory.join('; ')}.`);
  const busiest = Math.max(...result.cells.map((cell) => cell.loadAverage));
  if (busiest > result.machine.cpus) {
    lines.push(
      '',
      `Warning: the 1-minute load average reached ${busiest.toFixed(1)} on ${result.machine.cpus} cores: other work competed for the CPU, so latency and throughput are pessimistic; CPU ms per request is the steadier figure.`,
    );
  }
  const failures = result.cells.filter((cell) => cell.measurement.failures > 0);
  if (failures.length > 0) {
    lines.push(
      '',
      `Failed requests (non-2xx or socket errors) in: ${failures
        .map((cell) => `${cell.target} ${cell.mode} c=${cell.concurrency} (${cell.measurement.failures})`)
        .join(', ')}.`,
    );
  }
  lines.push('', ...formatVerdicts(result));
  return lines.join('\n');
}

function formatVerdicts(result: OverheadResult): string[] {
  const t = OVERHEAD_TARGETS;
  const verdict = (met: boolean | undefined): string => (met === undefined ? 'not measured' : met ? 'MET' : 'MISSED');
  const lines: string[] = ['Targets:'];
  for (const mode of ['json', 'stream'] as const) {
    const added = addedLatency(result, 'tollgate', mode, t.concurrencyForLatency);
    lines.push(
      `- ${mode}, c=${t.concurrencyForLatency}: added p50 ${signedMs(added?.p50Ms)} ms (≤ ${t.addedP50Ms}) ${verdict(
        added && added.p50Ms <= t.addedP50Ms,
      )}; added p99 ${signedMs(added?.p99Ms)} ms (≤ ${t.addedP99Ms}) ${verdict(added && added.p99Ms <= t.addedP99Ms)}`,
    );
    const tollgate = find(result, 'tollgate', mode, t.concurrencyForThroughput)?.measurement;
    const portkey = find(result, 'portkey', mode, t.concurrencyForThroughput)?.measurement;
    const throughput = tollgate && portkey ? tollgate.requestsPerSecond / portkey.requestsPerSecond : undefined;
    lines.push(
      `- ${mode}, c=${t.concurrencyForThroughput}: throughput ${throughput === undefined ? '–' : throughput.toFixed(2)}× Portkey's (≥ ${
        t.throughputOverPortkey
      }) ${verdict(throughput === undefined ? undefined : throughput >= t.throughputOverPortkey)}`,
    );
  }
  const peak = result.memory.tollgate;
  lines.push(
    `- Tollgate peak RSS per process ${peak ? `${peak.largestMb.toFixed(0)} MB` : '–'} (< ${t.peakRssMb} MB) ${verdict(
      peak && peak.largestMb < t.peakRssMb,
    )}`,
  );
  return lines;
}
