import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Screenshots land here (gitignored), for a person to look at after a run. */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'dashboard');

/** Debian's chromium, as `.ci/run` installs it. */
const CHROMIUM = process.env.TOLLGATE_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Builds the dashboard into a fresh temp folder with the real build script; returns the folder. */
export async function buildDashboardForTest(): Promise<{ directory: string; remove(): Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-dashboard-'));
  execFileSync(process.execPath, ['scripts/build-dashboard.mjs', '--out', directory], { stdio: 'pipe' });
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** A headless chromium with a fresh profile; `close()` removes the profile. */
export async function openBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = await mkdtemp(join(tmpdir(), 'tollgate-chromium-'));
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
