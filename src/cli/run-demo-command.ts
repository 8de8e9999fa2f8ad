import { parseArgs } from 'node:util';
import { demoConfig } from '../demo/demo-config.js';
import { demoTracePath } from '../demo/demo-trace-path.js';
import { formatSeedsComparison } from '../demo/format-seeds-comparison.js';
import { runReplay } from '../replay/engine/run-replay.js';
import { formatReplayTable } from '../replay/report/format-replay-table.js';
import { loadTrace, type TraceSource } from '../replay/trace/read-trace.js';
import { type ReplayCommandIo, writeReplayOutputs } from './run-replay-command.js';

export const DEMO_USAGE = `Usage: tollgate demo [--requests N] [--out PREFIX] [--json]

Replays the trace that ships with Tollgate (an hour of support-desk and coding-assistant traffic,
with repeated and paraphrased questions and shared system prompts) through the real gateway against
simulated providers at catalogue prices, with no keys and no network, and prints the seeds' headline
table as measured: baseline, cache only, routing only and the full stack.

Options:
  --requests N    replay only the first N requests (default: all 1,200)
  --out PREFIX    write PREFIX.json and PREFIX.svg (default: .tollgate/replay/demo)
  --json          print the JSON report instead of the tables
  -h, --help      this text
`;

/** `tollgate demo` / `npm run demo`: the measured version of the seeds' table, offline, in about a minute. */
export async function runDemoCommand(argv: string[], io: ReplayCommandIo): Promise<number> {
  let values: { requests?: string; out?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        requests: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr.write(`tollgate demo: ${(error as Error).message}\n\n${DEMO_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(DEMO_USAGE);
    return 0;
  }
  const limit = values.requests === undefined ? undefined : Number(values.requests);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    io.stderr.write(`tollgate demo: --requests: "${values.requests}" is not a positive integer\n`);
    return 2;
  }
  const source: TraceSource = {
    paths: [demoTracePath()],
    read: { format: 'openai' },
    slice: limit === undefined ? {} : { limit },
  };
  const trace = await loadTrace(source);
  io.stderr.write(
    `Replaying ${trace.requests.length.toLocaleString('en-US')} requests of support-desk and coding traffic through four configurations (no keys, no network)…\n`,
  );
  const report = await runReplay({
    trace,
    source,
    config: demoConfig(),
    configSource: 'the demo config',
    progress: io.stderr,
  });
  const written = await writeReplayOutputs(report, values.out ?? '.tollgate/replay/demo');
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${formatReplayTable(report)}\n${formatSeedsComparison(report)}\n\nWritten: ${written.join(', ')}\n`);
  return 0;
}
