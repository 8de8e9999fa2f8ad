#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=50 --liftoff-only
const USAGE = `Usage: tollgate <command> [options]

Commands:
  serve [--config PATH] [--port N] [--host H] [--workers N|auto]
                                                run the gateway (default 127.0.0.1:4000)
  report [--from ISO] [--to ISO] [--by a,b] [--format table|csv|json]
                                                spend from the ledger, with savings
  router fit DATA --out router.json             train the learned router (RouterBench CSV)
  router fit --ledger sqlite:PATH|postgres://… --prompts LOG --out router.json
                                                train it on the gateway's own ledger and feedback
  router eval DATA [--svg out.svg]              cost-quality curve of the routers
  keys create --tenant T [--budget 50/day] | list | revoke ID
                                                virtual keys (shown once, stored hashed)
  replay TRACE [--config PATH] [--prices FILE] [--scale provider=NAME:FACTOR]
                                                what-if: baseline vs cache vs routing vs full, at real prices
  demo                                          replay the bundled trace and print the savings table
  simulate [--port N]                           run the simulated provider as an HTTP server
  help                                          this text
`;

type Command = (argv: string[]) => Promise<number>;

const io = { stdout: process.stdout, stderr: process.stderr };

/**
 * Commands load lazily: `serve` does not pay for the report or router code at start, and the others
 * (replay, which forks workers; report) do not load the gateway before they need it.
 */
const commands: Record<string, Command> = {
  serve: async (argv) => (await import('./run-serve-command.js')).runServeCommand(argv),
  report: async (argv) => (await import('../report/run-report-command.js')).runReportCommand(argv, io),
  router: async (argv) => {
    const [sub, ...rest] = argv;
    if (sub === 'fit')
      return (await import('../routing/evaluation/run-router-fit-command.js')).runRouterFitCommand(rest, io);
    if (sub === 'eval')
      return (await import('../routing/evaluation/run-router-eval-command.js')).runRouterEvalCommand(rest, io);
    process.stderr.write('Usage: tollgate router fit|eval DATA [options]\n');
    return 2;
  },
  keys: async (argv) => (await import('./run-keys-command.js')).runKeysCommand(argv, io),
  replay: async (argv) => (await import('./run-replay-command.js')).runReplayCommand(argv, io),
  demo: async (argv) => (await import('./run-demo-command.js')).runDemoCommand(argv, io),
  simulate: async (argv) =>
    (await import('../providers/simulated/start-simulated-server.js')).runSimulatedServerCommand(argv),
};

async function main(): Promise<number> {
  const [name = 'help', ...argv] = process.argv.slice(2);
  const command = commands[name];
  if (!command) {
    process.stdout.write(USAGE);
    return name === 'help' || name === '--help' ? 0 : 2;
  }
  return command(argv);
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
