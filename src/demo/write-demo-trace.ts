import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { DEMO_TRACE_FILE } from './demo-trace-path.js';
import { generateDemoTrace } from './generate-demo-trace.js';

/**
 * Regenerates the shipped demo trace: `npx tsx src/demo/write-demo-trace.ts`. Seeded, so the output
 * only changes when the generator does. gzip keeps the file small (every line repeats a system prompt).
 */
function main(): void {
  const lines = generateDemoTrace();
  const path = fileURLToPath(new URL(`./traces/${DEMO_TRACE_FILE}`, import.meta.url));
  // mtime 0 in the gzip header: the same trace gives the same bytes.
  writeFileSync(path, gzipSync(`${lines.join('\n')}\n`, { level: 9 }));
  process.stdout.write(`${lines.length} requests written to ${path}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
