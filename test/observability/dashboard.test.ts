import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { formatCount, formatUsd } from '../../src/dashboard/app/format.js';
import type { UsageReport } from '../../src/report/query-usage.js';
import { buildDashboardForTest, openBrowser, SCREENSHOT_DIR } from './open-dashboard-browser.js';
import { mixConfig, REQUEST_MIX, sendMixRequest } from './serve-request-mix.js';
import { type ObservedGateway, startObservedGateway } from './start-observed-gateway.js';

const MASTER_KEY = 'mk-dashboard-test-4f1c2a9e7b';
const AUTH = { authorization: `Bearer ${MASTER_KEY}` };

/** Costs are sums of floats computed in two places (SQL and the browser's own sums): compare to a nano-dollar. */
function assertUsd(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: dashboard ${actual}, ledger ${expected}`);
}

/** Polls `check` until it holds (the page updates asynchronously), failing with `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function dataValue(page: Page, selector: string): Promise<number> {
  return Number(await page.locator(selector).first().getAttribute('data-value'));
}

describe('the dashboard in a real browser', () => {
  let harness: ObservedGateway;
  let built: Awaited<ReturnType<typeof buildDashboardForTest>>;
  let browser: Awaited<ReturnType<typeof openBrowser>>;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const ids = new Map<string, string>();

  before(async () => {
    built = await buildDashboardForTest();
    harness = await startObservedGateway({
      config: mixConfig(0.0016),
      staticDir: built.directory,
      environment: { TOLLGATE_MASTER_KEY: MASTER_KEY },
    });
    for (const request of REQUEST_MIX) {
      const answer = await sendMixRequest({ url: harness.url, request, headers: AUTH });
      if (answer.requestId) ids.set(`${request.tenant}/${request.model}`, answer.requestId);
      // Answers are cached off the response path: let each store land so that the repeat hits.
      await harness.cache.flush();
    }
    await harness.ledger.flush();
    browser = await openBrowser();
    context = browser.context;
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
    await built?.remove();
  });

  const usage = (groupBy: UsageReport['groupBy']) =>
    harness.ledger.queryUsage({ from: Date.now() - 86_400_000, to: Date.now() + 1, groupBy });

  it('asks for the master key, then signs in once with ?key= and drops the key from the address', async () => {
    const first = await page.goto(`${harness.url}/dashboard`);
    assert.equal(first?.status(), 401);
    await page.locator('input[name=key]').fill('not-the-key');
    await page.locator('button[type=submit]').click();
    await page.getByText('That is not the master key.').waitFor();

    const signedIn = await page.goto(`${harness.url}/dashboard?key=${MASTER_KEY}&range=24h`);
    assert.equal(signedIn?.status(), 200);
    assert.equal(new URL(page.url()).searchParams.get('key'), null, 'the key left the address bar');
    const cookie = (await context.cookies()).find((item) => item.name === 'tollgate_dashboard');
    assert.ok(cookie?.httpOnly, 'an HttpOnly session cookie');
    assert.equal(cookie?.sameSite, 'Strict');
    assert.ok(!cookie?.value.includes(MASTER_KEY), 'the cookie holds a signature, not the key');

    const withCookie = await page.request.get(`${harness.url}/admin/usage?by=tenant`);
    assert.equal(withCookie.status(), 200);
    const anonymous = await fetch(`${harness.url}/admin/usage?by=tenant`);
    assert.equal(anonymous.status, 401);
    const error = (await anonymous.json()) as { error: { type: string; code: string } };
    assert.equal(error.error.type, 'authentication_error', 'OpenAI error shape');
    // The two refusals above are logged by the browser as failed loads; from here on there must be none.
    pageErrors.length = 0;
  });

  it("shows the ledger's spend, requests, savings and per-tenant and per-feature spend", async () => {
    await page.waitForSelector('body[data-state=ready]');
    const byTenant = await usage(['tenant']);
    const totals = byTenant.totals;
    assert.equal(totals.requests, REQUEST_MIX.length, 'every request of the mix is in the ledger');

    assert.equal(await page.getByTestId('kpi-spend').textContent(), formatUsd(totals.costUsd));
    assertUsd(await dataValue(page, '[data-testid=kpi-spend]'), totals.costUsd, 'total spend');
    assert.equal(await page.getByTestId('kpi-requests').textContent(), formatCount(totals.requests));
    assertUsd(await dataValue(page, '[data-testid=kpi-savings]'), totals.savingsUsd, 'savings');
    assert.ok(totals.savingsUsd > 0, 'cheap routing and the cache saved money against the premium baseline');
    assert.equal(await dataValue(page, '[data-testid=kpi-errors]'), totals.errors);
    assert.equal(totals.errors, 2, 'the upstream failure and the unknown model');
    assert.equal(await dataValue(page, '[data-testid=kpi-cache]'), totals.cacheHitShare);

    for (const row of byTenant.rows) {
      const tenant = row.group.tenant as string;
      const shown = page.locator(`[data-testid=tenant-row][data-key="${tenant}"]`);
      assertUsd(Number(await shown.getAttribute('data-value')), row.costUsd, `spend of ${tenant}`);
      assert.equal(await shown.locator('td.spend').textContent(), formatUsd(row.costUsd));
    }
    assert.equal(await page.getByTestId('tenant-row').count(), byTenant.rows.length);
    const byFeature = await usage(['feature']);
    for (const row of byFeature.rows) {
      const shown = page.locator(`[data-testid=feature-row][data-key="${row.group.feature}"]`);
      assertUsd(Number(await shown.getAttribute('data-value')), row.costUsd, `spend of ${row.group.feature}`);
    }
    const byTier = await usage(['tier']);
    for (const row of byTier.rows) {
      const shown = page.locator(`[data-testid=mix-tier][data-key="${row.group.tier ?? '(no tier)'}"]`);
      assert.equal(Number(await shown.getAttribute('data-value')), row.requests, `requests on tier ${row.group.tier}`);
    }
    const legend = await page
      .getByTestId('spend-series')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-key')));
    assert.deepEqual(legend.sort(), byTenant.rows.map((row) => row.group.tenant).sort());

    const budget = page.locator('[data-testid=budget][data-key="acme-daily"]');
    const [snapshot] = (await harness.resilience.snapshot()).budgets;
    assert.ok(snapshot && snapshot.utilisation > 0.8, `acme-daily is past fallback: ${snapshot?.utilisation}`);
    assert.equal(Number(await budget.getAttribute('data-value')), snapshot.utilisation);
    assert.equal(await budget.locator('.badge').textContent(), snapshot.level);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'overview.png'), fullPage: true });
  });

  it('stacks spend by feature and model, mixes routes by rule, and charts the cache hit rate, as the ledger has them', async () => {
    const legendOf = () =>
      page
        .getByTestId('spend-series')
        .evaluateAll((items) => items.map((item) => [item.getAttribute('data-key'), item.textContent?.trim()]));
    for (const dimension of ['feature', 'model'] as const) {
      await page.locator('#spend-by').selectOption(dimension);
      const byDimension = await usage([dimension]);
      const expected = byDimension.rows
        .map((row) => {
          const name = (row.group[dimension] as string | null) ?? '(none)';
          return [name, `${name} ${formatUsd(row.costUsd)}`];
        })
        .sort();
      await until(
        async () => JSON.stringify((await legendOf()).sort()) === JSON.stringify(expected),
        `the spend chart stacked by ${dimension}: ${JSON.stringify(await legendOf())} vs ${JSON.stringify(expected)}`,
      );
    }
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'spend-by-model.png') });
    await page.locator('#spend-by').selectOption('tenant');

    const byRoute = await usage(['route']);
    for (const row of byRoute.rows) {
      const shown = page.locator(`[data-testid=mix-rule][data-key="${row.group.route ?? 'none'}"]`);
      assert.equal(Number(await shown.getAttribute('data-value')), row.requests, `requests by rule ${row.group.route}`);
    }

    // The chart's hover box for the newest hour, against the ledger's hourly sums for that hour.
    const series = await harness.ledger.timeSeries({
      from: Date.now() - 86_400_000,
      to: Date.now() + 1,
      bucket: 'hour',
    });
    const newest = series.filter((point) => point.bucketStart === Math.max(...series.map((each) => each.bucketStart)));
    const hits = newest.reduce((sum, point) => sum + point.cacheHits, 0);
    const requests = newest.reduce((sum, point) => sum + point.requests, 0);
    assert.ok(hits > 0, 'the exact-cache repeat is in the newest hour');
    const over = page.locator('#cache-chart .u-over');
    const box = await over.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const tooltip = page.locator('#cache-chart .chart-tooltip');
    await tooltip.waitFor();
    assert.match(
      (await tooltip.textContent()) ?? '',
      new RegExp(`gateway cache hits \\(share of requests\\): ${((hits / requests) * 100).toFixed(1)}%`),
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'cache-chart-hover.png') });
    await page.mouse.move(0, 0);
  });

  it('keeps the totals right when the range changes', async () => {
    await page.locator('button[data-range="7d"]').click();
    await until(async () => /range=7d/.test(page.url()), 'the range is kept in the address');
    await page.waitForSelector('body[data-state=ready]');
    const week = await harness.ledger.queryUsage({
      from: Date.now() - 7 * 86_400_000,
      to: Date.now() + 1,
      groupBy: [],
    });
    await until(
      async () => (await page.getByTestId('kpi-requests').getAttribute('data-value')) === String(week.totals.requests),
      'the 7-day totals',
    );
    assertUsd(await dataValue(page, '[data-testid=kpi-spend]'), week.totals.costUsd, '7-day spend');
    await page.locator('button[data-range="24h"]').click();
    await until(async () => /range=24h/.test(page.url()), 'back to 24 hours');
  });

  it('filters the request list and opens a request with every attempt', async () => {
    await page.getByTestId('filter-tenant').selectOption('initech');
    const initech = await harness.ledger.recentRequests({ limit: 50, filters: { tenant: 'initech' } });
    const rows = page.getByTestId('request-row');
    await until(async () => (await rows.count()) === initech.length, 'the list shows only initech');
    const shown = await rows.evaluateAll((items) => items.map((row) => row.getAttribute('data-request-id')));
    assert.deepEqual(
      shown,
      initech.map((row) => row.requestId),
      "the ledger's initech requests, newest first",
    );
    assert.match(page.url(), /tenant=initech/, 'the filter is kept in the address');
    await page.locator('#recent').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'filtered.png'), fullPage: false });

    const chainId = ids.get('initech/chain') as string;
    await page.locator(`[data-testid=request-row][data-request-id="${chainId}"]`).click();
    await page.getByTestId('detail-id').filter({ hasText: chainId }).waitFor();
    const detail = await harness.ledger.requestDetail(chainId);
    assert.equal(detail?.attempts.length, 3, 'two tries on the failing deployment, then the fallback');
    assert.equal(await page.getByTestId('attempt-row').count(), 3);
    const results = await page
      .getByTestId('attempt-row')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('.badge')?.textContent));
    assert.deepEqual(
      results,
      detail?.attempts.map((attempt) => attempt.errorCode ?? 'success'),
    );
    assert.equal(await page.getByTestId('detail-cost').textContent(), formatUsd(detail?.request.costUsd ?? Number.NaN));
    assert.match((await page.getByTestId('detail-route').textContent()) ?? '', /^tier: tier chain/);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'request-detail.png') });
    await page.keyboard.press('Escape');
  });

  it('shows a new request live, then refreshes the totals', async () => {
    await page.getByTestId('filter-tenant').selectOption('');
    await page.waitForSelector('#live[data-live=on]');
    const answer = await sendMixRequest({
      url: harness.url,
      request: { tenant: 'hooli', feature: 'live', model: 'fast', prompt: 'A request that arrives while you watch.' },
      headers: AUTH,
    });
    assert.equal(answer.status, 200);
    await page.locator(`[data-testid=request-row][data-request-id="${answer.requestId}"]`).waitFor({ timeout: 5_000 });
    const requests = page.getByTestId('kpi-requests');
    await until(
      async () => (await requests.getAttribute('data-value')) === String(REQUEST_MIX.length + 1),
      'the totals count it',
    );
    await page.locator('[data-testid=tenant-row][data-key="hooli"]').waitFor();
    assert.deepEqual(pageErrors, [], 'no script errors or failed loads in the page');
  });

  it('lists every budget alert the webhook got, newest first, and shows a new one live', async () => {
    await page.getByTestId('filter-tenant').selectOption('');
    // The budgets layer reports each crossing to the webhook and to the dashboard separately: both must agree.
    const shownAlerts = await page
      .getByTestId('alert')
      .evaluateAll((items) =>
        items.map((item) => `${item.getAttribute('data-key')}:${item.querySelector('.badge')?.textContent}`),
      );
    assert.ok(shownAlerts.includes('acme-daily:fallback'), `the acme budget crossed fallback: ${shownAlerts}`);
    await until(async () => harness.webhookAlerts.length >= shownAlerts.length, 'the webhook deliveries arrived');
    // Sorted: two crossings of one settle are POSTed at once and may reach the receiver in either order.
    assert.deepEqual(
      shownAlerts.sort(),
      harness.webhookAlerts.map((alert) => `${alert.budget}:${alert.threshold}`).sort(),
      'every crossing the webhook got',
    );
    const times = await page
      .getByTestId('alert')
      .evaluateAll((items) =>
        items.map((item) => Date.parse(item.querySelector('time')?.getAttribute('datetime') ?? '')),
      );
    assert.deepEqual(
      times,
      [...times].sort((left, right) => right - left),
      'newest first',
    );

    // A budget too small for any request: the refusal crosses its limit, and the alert shows up live.
    const refused = await sendMixRequest({
      url: harness.url,
      request: { tenant: 'umbrella', feature: 'live', model: 'fast', prompt: 'Over budget before it starts.' },
      headers: AUTH,
    });
    assert.equal(refused.status, 429);
    await page.locator('[data-testid=alert][data-key="umbrella-daily"]').waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('[data-testid=alert][data-key="umbrella-daily"] .badge').textContent(), 'limit');
    await until(
      async () =>
        harness.webhookAlerts.some((alert) => alert.budget === 'umbrella-daily' && alert.threshold === 'limit'),
      'the webhook got the same alert',
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'live-alert.png'), fullPage: true });
    assert.deepEqual(pageErrors, [], 'no script errors or failed loads in the page');
  });
});
