import type { AdmitOutcome, BreakerSettings, BreakerState, RecordOutcomeInput } from './shared-state.js';

/** The sliding window is kept as this many time slots (a ring), so it never grows. */
export const BREAKER_SLOTS = 10;

/** A half-open probe that never reports (a crashed instance) stops counting after this long. */
export function probeLeaseMs(settings: BreakerSettings): number {
  return Math.max(settings.cooldownMs, 60_000);
}

/** One breaker as the in-memory store keeps it; the Redis store keeps the same fields in a hash. */
export interface BreakerRecord {
  phase: BreakerState['phase'];
  /** While open: when probes may start (epoch ms). */
  openUntilMs: number;
  /** Probes in flight while half-open. */
  probes: number;
  /** When the last probe started. */
  probeAtMs: number;
  /** Ring of time slots: which slot index each holds, and its successes and failures. */
  slotIndex: number[];
  successes: number[];
  failures: number[];
}

/** A closed breaker with an empty window. */
export function newBreakerRecord(): BreakerRecord {
  return {
    phase: 'closed',
    openUntilMs: 0,
    probes: 0,
    probeAtMs: 0,
    slotIndex: new Array<number>(BREAKER_SLOTS).fill(-1),
    successes: new Array<number>(BREAKER_SLOTS).fill(0),
    failures: new Array<number>(BREAKER_SLOTS).fill(0),
  };
}

/** The breaker's state as seen at `nowMs`. */
export function breakerStateOf(record: BreakerRecord, nowMs: number): BreakerState {
  if (record.phase === 'open' && nowMs >= record.openUntilMs) return { phase: 'half-open', retryInMs: 0 };
  return { phase: record.phase, retryInMs: record.phase === 'open' ? record.openUntilMs - nowMs : 0 };
}

/**
 * The breaker half of admitting an attempt: open refuses until the cooldown ends, then half-open lets
 * `halfOpenProbes` probes through at a time. Mutates the record only when the attempt is admitted
 * (`commit`), so that a rate-limit refusal afterwards leaves it untouched.
 */
export function admitThroughBreaker(options: { record: BreakerRecord; settings: BreakerSettings; nowMs: number }): {
  outcome: AdmitOutcome;
  commit: () => void;
} {
  const { record, settings, nowMs } = options;
  if (record.phase === 'open' && nowMs < record.openUntilMs) {
    return {
      outcome: { admitted: false, reason: 'breaker', breaker: breakerStateOf(record, nowMs) },
      commit: () => {},
    };
  }
  if (record.phase === 'closed') return { outcome: { admitted: true, probe: false }, commit: () => {} };
  const staleProbes = nowMs - record.probeAtMs >= probeLeaseMs(settings);
  const probes = record.phase === 'open' || staleProbes ? 0 : record.probes;
  if (probes >= settings.halfOpenProbes) {
    return {
      outcome: { admitted: false, reason: 'breaker', breaker: { phase: 'half-open', retryInMs: 0 } },
      commit: () => {},
    };
  }
  return {
    outcome: { admitted: true, probe: true },
    commit: () => {
      record.phase = 'half-open';
      record.probes = probes + 1;
      record.probeAtMs = nowMs;
    },
  };
}

function resetWindow(record: BreakerRecord): void {
  record.slotIndex.fill(-1);
  record.successes.fill(0);
  record.failures.fill(0);
}

function open(record: BreakerRecord, settings: BreakerSettings, nowMs: number): void {
  record.phase = 'open';
  record.openUntilMs = nowMs + settings.cooldownMs;
  record.probes = 0;
  resetWindow(record);
}

/**
 * Counts one outcome: a probe's success closes a half-open breaker and its failure reopens it; while
 * closed, a failure ratio at or above the setting over at least `minRequests` in the window opens it.
 */
export function recordBreakerOutcome(options: {
  record: BreakerRecord;
  input: Pick<RecordOutcomeInput, 'outcome' | 'probe' | 'settings' | 'count'>;
  nowMs: number;
}): BreakerState {
  const { record, nowMs } = options;
  const { outcome, probe, settings } = options.input;
  if (probe) record.probes = Math.max(0, record.probes - 1);
  if (outcome === 'ignored') return breakerStateOf(record, nowMs);
  if (record.phase === 'half-open' && probe) {
    if (outcome === 'success') {
      record.phase = 'closed';
      record.probes = 0;
      resetWindow(record);
    } else {
      open(record, settings, nowMs);
    }
    return breakerStateOf(record, nowMs);
  }
  const width = settings.windowMs / BREAKER_SLOTS;
  const index = Math.floor(nowMs / width);
  const slot = index % BREAKER_SLOTS;
  if (record.slotIndex[slot] !== index) {
    record.slotIndex[slot] = index;
    record.successes[slot] = 0;
    record.failures[slot] = 0;
  }
  const count = Math.max(1, options.input.count ?? 1);
  if (outcome === 'success') record.successes[slot] = (record.successes[slot] ?? 0) + count;
  else record.failures[slot] = (record.failures[slot] ?? 0) + count;
  if (record.phase !== 'closed') return breakerStateOf(record, nowMs);
  let total = 0;
  let failed = 0;
  for (let ring = 0; ring < BREAKER_SLOTS; ring++) {
    if ((record.slotIndex[ring] ?? -1) > index - BREAKER_SLOTS) {
      total += (record.successes[ring] ?? 0) + (record.failures[ring] ?? 0);
      failed += record.failures[ring] ?? 0;
    }
  }
  if (total >= settings.minRequests && failed / total >= settings.failureRatio) open(record, settings, nowMs);
  return breakerStateOf(record, nowMs);
}
