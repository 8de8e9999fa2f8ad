import { getJson } from './api.js';
import type {
  Alert,
  Budget,
  DataList,
  RecentRequests,
  RequestDetail,
  RequestRow,
  TimeSeriesResponse,
  UsageReport,
} from './api-types.js';
import { byId, h, replaceChildren } from './dom.js';
import { formatTime } from './format.js';
import { matchesFilters, RECENT_LIMIT, type RequestFilters, renderFilters, renderRequests } from './recent-requests.js';
import { renderAlerts } from './render-alerts.js';
import { renderRoutingMix, renderTopTable } from './render-breakdowns.js';
import { renderBudgets } from './render-budgets.js';
import { renderKpis } from './render-kpis.js';
import { renderCacheChart, renderSpendChart } from './render-time-charts.js';
import { showRequestDetail } from './request-detail-dialog.js';

const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000, '90d': 90 * 86_400_000 } as const;
type RangeKey = keyof typeof RANGES;
type SpendBy = 'tenant' | 'feature' | 'model';

/** What the page shows; kept in the address bar so that a reload or a shared link shows the same. */
interface ViewState {
  range: RangeKey;
  spendBy: SpendBy;
  filters: RequestFilters;
}

/** Aggregates refresh at most this often when live requests arrive, and at least this often without. */
const LIVE_REFRESH_MS = 3_000;
const POLL_MS = 60_000;

function readState(): ViewState {
  const params = new URLSearchParams(window.location.search);
  const range = params.get('range');
  const spendBy = params.get('by');
  const filter = (name: string) => params.get(name) ?? '';
  return {
    range: range && range in RANGES ? (range as RangeKey) : '24h',
    spendBy: spendBy === 'feature' || spendBy === 'model' ? spendBy : 'tenant',
    filters: {
      tenant: filter('tenant'),
      feature: filter('feature'),
      model: filter('model'),
      cache: filter('cache') as RequestFilters['cache'],
      outcome: filter('outcome') as RequestFilters['outcome'],
    },
  };
}

function writeState(state: ViewState): void {
  const params = new URLSearchParams({ range: state.range, by: state.spendBy });
  for (const [name, value] of Object.entries(state.filters)) if (value) params.set(name, value);
  window.history.replaceState(null, '', `/dashboard?${params}`);
}

const state = readState();
let rows: RequestRow[] = [];
const freshIds = new Set<string>();
let choices = { tenant: [] as string[], feature: [] as string[], model: [] as string[] };
let refreshing: Promise<void> | undefined;
let refreshAgain = false;
let lastRefresh = 0;
let refreshCount = 0;

function rangeParams(): { from: number; to: number } {
  const to = Date.now();
  return { from: to - RANGES[state.range], to };
}

function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  replaceChildren(byId('status'), h('span', { class: 'error', role: 'alert' }, message));
}

async function loadRequests(): Promise<void> {
  const answer = await getJson<RecentRequests>('/admin/requests', {
    limit: RECENT_LIMIT,
    from: rangeParams().from,
    ...state.filters,
  });
  rows = answer.data;
  freshIds.clear();
  drawRequests();
}

function drawRequests(): void {
  renderRequests({
    container: byId('recent'),
    rows,
    freshIds,
    onOpen: (requestId) => {
      getJson<RequestDetail>(`/admin/requests/${encodeURIComponent(requestId)}`).then(showRequestDetail, showError);
    },
  });
}

function drawFilters(): void {
  renderFilters({
    container: byId('filters'),
    filters: state.filters,
    choices,
    onChange: (filters) => {
      state.filters = filters;
      writeState(state);
      loadRequests().catch(showError);
    },
  });
}

/** Reads every aggregate for the range (each one indexed SQL query) and redraws. */
async function refreshAggregates(): Promise<void> {
  const range = rangeParams();
  // Whole days come from the ledger's daily rollup; hours are read from the requests themselves.
  const bucket = state.range === '24h' ? 'hour' : 'day';
  // Four ledger scans per refresh: the routing mix and the model list share one grouping, and the
  // cache chart sums the stacked series' buckets.
  const [byTenant, byFeature, byRoute, spend, budgets, alerts] = await Promise.all([
    getJson<UsageReport>('/admin/usage', { ...range, by: 'tenant' }),
    getJson<UsageReport>('/admin/usage', { ...range, by: 'feature' }),
    getJson<UsageReport>('/admin/usage', { ...range, by: 'model,tier,route' }),
    getJson<TimeSeriesResponse>('/admin/timeseries', { ...range, bucket, series: state.spendBy }),
    getJson<DataList<Budget>>('/admin/budgets'),
    getJson<DataList<Alert>>('/admin/alerts'),
  ]);
  renderKpis(byId('kpis'), byTenant.totals);
  renderSpendChart(byId('spend-chart'), spend);
  renderCacheChart(byId('cache-chart'), spend);
  renderRoutingMix(byId('routing-mix'), byRoute);
  renderTopTable({ container: byId('top-tenants'), report: byTenant, dimension: 'tenant', testId: 'tenant-row' });
  renderTopTable({ container: byId('top-features'), report: byFeature, dimension: 'feature', testId: 'feature-row' });
  renderAlerts(byId('alerts'), alerts.data);
  const names = (report: UsageReport, dimension: 'tenant' | 'feature' | 'model') =>
    [...new Set(report.rows.map((row) => row.group[dimension]))].filter(
      (name): name is string => typeof name === 'string',
    );
  choices = { tenant: names(byTenant, 'tenant'), feature: names(byFeature, 'feature'), model: names(byRoute, 'model') };
  drawFilters();
  await renderBudgets(byId('budgets'), budgets.data, (params) =>
    getJson<TimeSeriesResponse>('/admin/timeseries', params),
  );
}

/** Refreshes everything once; a refresh asked for meanwhile runs right after. */
function refresh(): Promise<void> {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  lastRefresh = Date.now();
  refreshing = Promise.all([refreshAggregates(), loadRequests()])
    .then(() => {
      refreshCount++;
      document.body.dataset.refreshes = String(refreshCount);
      document.body.dataset.state = 'ready';
      replaceChildren(byId('status'), `updated ${formatTime(Date.now())}`);
    })
    .catch(showError)
    .finally(() => {
      refreshing = undefined;
      if (refreshAgain) {
        refreshAgain = false;
        void refresh();
      }
    });
  return refreshing;
}

let liveTimer: number | undefined;
function refreshSoon(): void {
  if (liveTimer !== undefined) return;
  const wait = Math.max(0, lastRefresh + LIVE_REFRESH_MS - Date.now());
  liveTimer = window.setTimeout(() => {
    liveTimer = undefined;
    void refresh();
  }, wait);
}

function connectLive(): void {
  const live = byId('live');
  const events = new EventSource('/admin/events');
  events.addEventListener('open', () => {
    live.dataset.live = 'on';
    replaceChildren(live, 'live');
  });
  events.addEventListener('error', () => {
    live.dataset.live = 'off';
    replaceChildren(live, 'reconnecting…');
  });
  events.addEventListener('request', (event) => {
    const row = JSON.parse((event as MessageEvent<string>).data) as RequestRow;
    if (matchesFilters(row, state.filters) && !rows.some((known) => known.requestId === row.requestId)) {
      rows = [row, ...rows].slice(0, RECENT_LIMIT);
      freshIds.add(row.requestId);
      drawRequests();
    }
    refreshSoon();
  });
  events.addEventListener('alert', refreshSoon);
}

function setUpControls(): void {
  const ranges = byId('ranges');
  for (const button of ranges.querySelectorAll<HTMLButtonElement>('button[data-range]')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === state.range));
    button.addEventListener('click', () => {
      state.range = button.dataset.range as RangeKey;
      for (const other of ranges.querySelectorAll('button'))
        other.setAttribute('aria-pressed', String(other === button));
      writeState(state);
      void refresh();
    });
  }
  const spendBy = byId<HTMLSelectElement>('spend-by');
  spendBy.value = state.spendBy;
  spendBy.addEventListener('change', () => {
    state.spendBy = spendBy.value as SpendBy;
    writeState(state);
    void refresh();
  });
}

setUpControls();
drawFilters();
void refresh();
connectLive();
window.setInterval(() => void refresh(), POLL_MS);
