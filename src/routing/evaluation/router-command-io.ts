/** Where a router command writes: the CLI passes process streams, tests pass collectors. */
export interface RouterCommandIo {
  /** Results (tables, JSON paths). */
  stdout: { write(text: string): unknown };
  /** Progress and errors. */
  stderr: { write(text: string): unknown };
}

/** Exit codes of the router commands. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
