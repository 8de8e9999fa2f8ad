/** A budget window as config states it: a UTC calendar day or month, or a fixed duration. */
export type BudgetWindowSpec = 'day' | 'month' | { custom: string };

/** One concrete window. */
export interface BudgetWindow {
  /** Unique per window of this spec (goes into storage keys). */
  id: string;
  /** Short name of the spec, for budget names: `day`, `month`, `6h`. */
  label: string;
  /** Start, epoch ms. */
  startMs: number;
  /** End (the reset), epoch ms. */
  endMs: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `6h`, `7d` in milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const milliseconds = Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  return Number.isFinite(milliseconds) && milliseconds >= 1 ? Math.round(milliseconds) : undefined;
}

/**
 * The window containing `nowMs`. Days and months are UTC calendar periods (what providers' invoices
 * use); custom windows are aligned to the Unix epoch, so every gateway instance computes the same
 * boundaries without coordination.
 */
export function budgetWindow(options: { spec: BudgetWindowSpec; nowMs: number }): BudgetWindow {
  const { spec, nowMs } = options;
  // Every request asks for the same few windows; date arithmetic and ISO strings are the cost.
  const specKey = typeof spec === 'string' ? spec : spec.custom;
  const known = recent.get(specKey);
  if (known && known.startMs <= nowMs && nowMs < known.endMs) return known;
  const window = computeWindow(spec, nowMs);
  if (recent.size >= MAX_REMEMBERED_WINDOWS) recent.clear();
  recent.set(specKey, window);
  return window;
}

/** Windows by spec; there are as many specs as budgets in the config, so this stays tiny. */
const recent = new Map<string, BudgetWindow>();
const MAX_REMEMBERED_WINDOWS = 256;

function computeWindow(spec: BudgetWindowSpec, nowMs: number): BudgetWindow {
  const now = new Date(nowMs);
  if (spec === 'day') {
    const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return {
      id: `d${new Date(startMs).toISOString().slice(0, 10)}`,
      label: 'day',
      startMs,
      endMs: startMs + 86_400_000,
    };
  }
  if (spec === 'month') {
    const startMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const endMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    return { id: `m${new Date(startMs).toISOString().slice(0, 7)}`, label: 'month', startMs, endMs };
  }
  const length = parseDuration(spec.custom);
  if (length === undefined) throw new Error(`not a duration: ${spec.custom}`);
  const startMs = Math.floor(nowMs / length) * length;
  return { id: `c${length}-${startMs}`, label: spec.custom, startMs, endMs: startMs + length };
}
