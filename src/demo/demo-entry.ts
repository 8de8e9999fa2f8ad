import { runDemoCommand } from '../cli/run-demo-command.js';

// `npm run demo` runs this file with tsx, so the demo works right after `npm install`, built or not.
process.exitCode = await runDemoCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
