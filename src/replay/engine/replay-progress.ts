/** Where progress goes: stderr, redrawn in place on a terminal, a line per 10% otherwise. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** A progress bar for a replay. */
export interface ReplayProgress {
  /** `done` of `total` requests replayed; `virtualMs` is how much trace time they span. */
  update(done: number, virtualMs: number): void;
  finish(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const pad = (value: number): string => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}h${pad(minutes)}m${pad(rest)}s` : `${minutes}m${pad(rest)}s`;
}

/**
 * A bar with the requests done, the trace time covered and the wall time spent, e.g.
 * `replay [#########...............]  38%  7,412/19,366 · 22m51s of traffic in 4.1 s`.
 */
export function createReplayProgress(options: {
  output: ProgressSink | undefined;
  total: number;
  label: string;
  now?: () => number;
}): ReplayProgress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastStep = -1;
  let drawn = false;
  const output = options.output;
  const line = (done: number, virtualMs: number): string => {
    const share = options.total > 0 ? done / options.total : 1;
    const filled = Math.round(share * BAR_WIDTH);
    const seconds = ((now() - started) / 1000).toFixed(1);
    return `${options.label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${done.toLocaleString('en-US')}/${options.total.toLocaleString('en-US')} · ${formatDuration(virtualMs)} of traffic in ${seconds} s`;
  };
  return {
    update(done, virtualMs) {
      if (!output) return;
      if (output.isTTY) {
        const at = now();
        if (at - lastDraw < REDRAW_MS && done < options.total) return;
        lastDraw = at;
        output.write(`\r${line(done, virtualMs)}\x1b[K`);
        drawn = true;
        return;
      }
      const step = Math.floor((done / Math.max(1, options.total)) * 10);
      if (step === lastStep) return;
      lastStep = step;
      output.write(`${line(done, virtualMs)}\n`);
    },
    finish() {
      if (drawn && output?.isTTY) output.write('\n');
    },
  };
}
