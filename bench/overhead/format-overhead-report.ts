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
const cpu = (value: number | undefined): string => (value === undefined ? '–' : value.toFixed(3));
const rate = (value: number | undefined): string =>
  value === undefined ? '–' : Math.round(value).toLocaleString('en-US');

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

/** The results as a markdown table plus the verdict on each target. */
export function formatOverheadReport(result: OverheadResult): string {
  const lines: string[] = [];
  lines.push(
    '| mode | conc. | direct p50 / p99 ms | direct req/s | Tollgate added p50 / p99 ms | Tollgate req/s | Tollgate CPU ms/req | Portkey added p50 / p99 ms | Portkey req/s | Portkey CPU ms/req | Tollgate / Portkey req/s | Portkey / Tollgate CPU per req |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const concurrencies = [...new Set(result.cells.map((cell) => cell.concurrency))].sort((a, b) => a - b);
  for (const mode of ['json', 'stream'] as const) {
    for (const concurrency of concurrencies) {
      const direct = find(result, 'direct', mode, concurrency)?.measurement;
      const tollgateCell = find(result, 'tollgate', mode, concurrency);
      const portkeyCell = find(result, 'portkey', mode, concurrency);
      const tollgate = tollgateCell?.measurement;
      const portkey = portkeyCell?.measurement;
      const cpuRatio =
        tollgateCell?.cpuMsPerRequest && portkeyCell?.cpuMsPerRequest
          ? (portkeyCell.cpuMsPerRequest / tollgateCell.cpuMsPerRequest).toFixed(2)
          : '–';
      const tollgateAdded = addedLatency(result, 'tollgate', mode, concurrency);
      const portkeyAdded = addedLatency(result, 'portkey', mode, concurrency);
      const ratio = tollgate && portkey ? (tollgate.requestsPerSecond / portkey.requestsPerSecond).toFixed(2) : '–';
      lines.push(
        `| ${mode} | ${concurrency} | ${ms(direct?.p50Ms)} / ${ms(direct?.p99Ms)} | ${rate(direct?.requestsPerSecond)} | ` +
          `${signedMs(tollgateAdded?.p50Ms)} / ${signedMs(tollgateAdded?.p99Ms)} | ${rate(tollgate?.requestsPerSecond)} | ${cpu(tollgateCell?.cpuMsPerRequest)} | ` +
          `${signedMs(portkeyAdded?.p50Ms)} / ${signedMs(portkeyAdded?.p99Ms)} | ${rate(portkey?.requestsPerSecond)} | ${cpu(portkeyCell?.cpuMsPerRequest)} | ${ratio} | ${cpuRatio} |`,
      );
    }
  }
  const memory = (name: 'tollgate' | 'portkey'): string => {
    const peak = result.memory[name];
    if (!peak) return '–';
    return peak.processes > 1
      ? `${peak.largestMb.toFixed(0)} MB largest process, ${peak.totalMb.toFixed(0)} MB over ${peak.processes} processes`
      : `${peak.largestMb.toFixed(0)} MB`;
  };
  lines.push('', `Peak RSS (VmHWM): Tollgate ${memory('tollgate')}; Portkey ${memory('portkey')}.`);
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
    const ratio = tollgate && portkey ? tollgate.requestsPerSecond / portkey.requestsPerSecond : undefined;
    lines.push(
      `- ${mode}, c=${t.concurrencyForThroughput}: throughput ${ratio === undefined ? '–' : ratio.toFixed(2)}× Portkey's (≥ ${
        t.throughputOverPortkey
      }) ${verdict(ratio === undefined ? undefined : ratio >= t.throughputOverPortkey)}`,
    );
  }
  const peak = result.memory.tollgate;
  lines.push(
    `- peak RSS per process ${peak ? `${peak.largestMb.toFixed(0)} MB` : '–'} (< ${t.peakRssMb} MB) ${verdict(
      peak && peak.largestMb < t.peakRssMb,
    )}`,
  );
  return lines;
}
