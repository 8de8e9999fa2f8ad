/** Where progress is written: a terminal (redrawn in place) or a log (one line per step). */
export interface ProgressOutput {
  write(text: string): unknown;
  /** True for a terminal. */
  isTTY?: boolean;
}

/** Options for {@link createProgressReporter}. */
export interface ProgressReporterOptions {
  output: ProgressOutput;
  /** What is being done, e.g. `scanning ledger`. */
  label: string;
  /** Stay silent for work that ends sooner than this (default 1000 ms): short work needs no progress. */
  quietForMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

/** Reports the share done of a long task on stderr, once it has taken longer than a second. */
export interface ProgressReporter {
  /** The share done, 0–1. */
  update(done: number): void;
  /** The task ended: clears the line on a terminal. */
  finish(): void;
}

/** A percentage that appears only when a task is slow, redrawn on terminals and stepped by 10% in logs. */
export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const quietForMs = options.quietForMs ?? 1000;
  let shown = false;
  let lastStep = -1;
  return {
    update(done) {
      if (now() - startedAt < quietForMs) return;
      const percent = Math.max(0, Math.min(100, Math.floor(done * 100)));
      if (options.output.isTTY) {
        options.output.write(`\r${options.label}… ${percent}%`);
        shown = true;
        return;
      }
      const step = Math.floor(percent / 10);
      if (step === lastStep) return;
      lastStep = step;
      options.output.write(`${options.label}… ${percent}%\n`);
      shown = true;
    },
    finish() {
      if (shown && options.output.isTTY) options.output.write('\r\x1b[K');
    },
  };
}
