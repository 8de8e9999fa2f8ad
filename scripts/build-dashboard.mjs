// Builds the dashboard's single-page app (src/dashboard/app/) into static files the gateway serves:
// index.html plus content-hashed, minified assets. `npm run build` runs it after tsc.
// Usage: node scripts/build-dashboard.mjs [--out DIR]   (default dist/dashboard/public)
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const appDir = join(root, 'src/dashboard/app');

/** Builds into `outDir` (replacing its previous contents) and returns the asset names. */
export async function buildDashboard({ outDir = join(root, 'dist/dashboard/public') } = {}) {
  const assetsDir = join(outDir, 'assets');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(appDir, 'main.ts'), styles: join(appDir, 'styles.css') },
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = (name) => {
    const found = outputs.find(([, output]) => output.entryPoint?.endsWith(name));
    if (!found) throw new Error(`esbuild produced no output for ${name}`);
    return basename(found[0]);
  };
  const script = entry('main.ts');
  const styles = entry('styles.css');
  const template = await readFile(join(appDir, 'index.html'), 'utf8');
  await writeFile(join(outDir, 'index.html'), template.replace('__SCRIPT__', script).replace('__STYLES__', styles));
  return { outDir, script, styles };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const started = performance.now();
  const built = await buildDashboard(values.out ? { outDir: resolve(values.out) } : {});
  console.log(
    `dashboard built in ${Math.round(performance.now() - started)} ms: ${built.outDir} (${built.script}, ${built.styles})`,
  );
}
