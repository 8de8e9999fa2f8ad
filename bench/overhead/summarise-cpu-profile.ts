/**
 * Where a V8 CPU profile (`node --cpu-prof`, or `bench:overhead --cpu-prof`) spends its time:
 * `node --import tsx bench/overhead/summarise-cpu-profile.ts FILE.cpuprofile [--top 30]`.
 * Prints self time per function and total (inclusive) time per function, with file and line, so that
 * hot spots can be named without opening DevTools.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const REPO = resolve(import.meta.dirname, '../..');

function place(node: ProfileNode): string {
  const { url, lineNumber, functionName } = node.callFrame;
  let file = url;
  if (url.startsWith('file://')) file = relative(REPO, fileURLToPath(url));
  const name = functionName || '(anonymous)';
  return file ? `${name} ${file}:${lineNumber + 1}` : name;
}

/** Self and inclusive milliseconds per function, heaviest first. */
export function summariseCpuProfile(profile: CpuProfile): {
  totalMs: number;
  self: [string, number][];
  inclusive: [string, number][];
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<string, number>();
  const inclusiveMs = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const deltaMs = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += deltaMs;
    const node = byId.get(id);
    if (!node) return;
    const key = place(node);
    selfMs.set(key, (selfMs.get(key) ?? 0) + deltaMs);
    // A recursive function is charged once per sample.
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current);
      if (!frame) break;
      const name = place(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusiveMs.set(name, (inclusiveMs.get(name) ?? 0) + deltaMs);
    }
  });
  const sorted = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return { totalMs, self: sorted(selfMs), inclusive: sorted(inclusiveMs) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '30' } },
  });
  const top = Number(values.top);
  for (const file of positionals) {
    const summary = summariseCpuProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const share = (ms: number): string => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
    process.stdout.write(`\n${file}: ${(summary.totalMs / 1000).toFixed(1)} s sampled\n\nself time:\n`);
    for (const [name, ms] of summary.self.slice(0, top)) process.stdout.write(`  ${share(ms)}  ${name}\n`);
    process.stdout.write('\ninclusive time:\n');
    for (const [name, ms] of summary.inclusive.slice(0, top)) process.stdout.write(`  ${share(ms)}  ${name}\n`);
  }
}
