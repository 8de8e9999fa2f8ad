import type { CacheStatus, Outcome, RequestRow } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { formatDuration, formatTime, formatTokens, formatUsd } from './format.js';

/** The request list's filters; empty strings mean "any". */
export interface RequestFilters {
  tenant: string;
  feature: string;
  model: string;
  cache: '' | CacheStatus;
  outcome: '' | Outcome;
}

/** Rows the live list keeps. */
export const RECENT_LIMIT = 50;

const CACHE_STATUSES: CacheStatus[] = ['hit-exact', 'hit-semantic', 'miss', 'bypass'];
const OUTCOMES: Outcome[] = ['success', 'client_error', 'upstream_error', 'budget_rejected', 'cancelled', 'rejected'];

/** Whether a row passes the filters (for rows arriving live). */
export function matchesFilters(row: RequestRow, filters: RequestFilters): boolean {
  return (
    (filters.tenant === '' || row.tenant === filters.tenant) &&
    (filters.feature === '' || row.feature === filters.feature) &&
    (filters.model === '' || row.model === filters.model) &&
    (filters.cache === '' || row.cacheStatus === filters.cache) &&
    (filters.outcome === '' || row.outcome === filters.outcome)
  );
}

function select(name: keyof RequestFilters, label: string, values: string[], current: string) {
  const options = [...new Set([...values, ...(current ? [current] : [])])].sort();
  return h(
    'label',
    { class: 'filter' },
    label,
    h(
      'select',
      { name, 'data-testid': `filter-${name}` },
      h('option', { value: '' }, 'any'),
      options.map((value) => h('option', { value, selected: value === current }, value)),
    ),
  );
}

/** The filter bar; `onChange` receives the new filters. */
export function renderFilters(options: {
  container: HTMLElement;
  filters: RequestFilters;
  choices: { tenant: string[]; feature: string[]; model: string[] };
  onChange: (filters: RequestFilters) => void;
}): void {
  const { filters, choices } = options;
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter requests' },
    select('tenant', 'tenant', choices.tenant, filters.tenant),
    select('feature', 'feature', choices.feature, filters.feature),
    select('model', 'model', choices.model, filters.model),
    select('cache', 'cache', CACHE_STATUSES, filters.cache),
    select('outcome', 'outcome', OUTCOMES, filters.outcome),
  );
  form.addEventListener('change', () => {
    const data = new FormData(form);
    const read = (name: string) => String(data.get(name) ?? '');
    options.onChange({
      tenant: read('tenant'),
      feature: read('feature'),
      model: read('model'),
      cache: read('cache') as RequestFilters['cache'],
      outcome: read('outcome') as RequestFilters['outcome'],
    });
  });
  replaceChildren(options.container, form);
}

function served(row: RequestRow): string {
  const model = row.model ? `${row.provider}/${row.model}` : '–';
  return row.requestedModel && row.requestedModel !== row.model ? `${row.requestedModel} → ${model}` : model;
}

function requestRow(row: RequestRow, onOpen: (requestId: string) => void, fresh: boolean) {
  const failed = row.outcome !== 'success';
  return h(
    'tr',
    {
      class: `clickable${fresh ? ' fresh' : ''}${failed ? ' failed' : ''}`,
      tabindex: 0,
      'data-testid': 'request-row',
      'data-request-id': row.requestId,
      onclick: () => onOpen(row.requestId),
      onkeydown: (event: Event) => {
        if ((event as KeyboardEvent).key === 'Enter') onOpen(row.requestId);
      },
    },
    h('td', { class: 'nowrap' }, formatTime(row.startedAt)),
    h('td', {}, row.tenant, h('div', { class: 'muted small' }, row.feature)),
    h('td', {}, served(row)),
    h('td', { class: 'route' }, h('strong', {}, row.routeRule), row.routeReason ? `: ${row.routeReason}` : ''),
    h('td', {}, h('span', { class: `badge cache-${row.cacheStatus}` }, row.cacheStatus)),
    h(
      'td',
      { class: 'num nowrap' },
      `${formatTokens(row.uncachedInputTokens + row.cacheReadInputTokens + row.cacheWriteInputTokens)} / ${formatTokens(row.outputTokens)}`,
    ),
    h('td', { class: 'num nowrap', 'data-testid': 'request-cost', 'data-value': row.costUsd }, formatUsd(row.costUsd)),
    h('td', { class: 'num nowrap' }, formatDuration(row.latencyMs)),
    h(
      'td',
      {},
      h(
        'span',
        { class: `badge outcome-${row.outcome}` },
        failed ? `${row.httpStatus} ${row.errorCode ?? row.outcome}` : String(row.httpStatus),
      ),
    ),
  );
}

/** The request table, newest first; rows open the detail. `freshIds` are highlighted (arrived live). */
export function renderRequests(options: {
  container: HTMLElement;
  rows: RequestRow[];
  freshIds: ReadonlySet<string>;
  onOpen: (requestId: string) => void;
}): void {
  if (options.rows.length === 0) {
    replaceChildren(options.container, h('p', { class: 'empty' }, 'No requests match.'));
    return;
  }
  replaceChildren(
    options.container,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'table', 'data-testid': 'requests-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['time', 'tenant · feature', 'model', 'route', 'cache', 'tokens in / out', 'cost', 'latency', 'status'].map(
              (title) => h('th', {}, title),
            ),
          ),
        ),
        h(
          'tbody',
          {},
          options.rows.map((row) => requestRow(row, options.onOpen, options.freshIds.has(row.requestId))),
        ),
      ),
    ),
  );
}
