import type { AttemptRow, RequestDetail } from './api-types.js';
import { byId, h, replaceChildren } from './dom.js';
import { formatDuration, formatTime, formatUsd } from './format.js';

function field(label: string, value: string | number | null | undefined, testId?: string) {
  return [
    h('dt', {}, label),
    h(
      'dd',
      testId ? { 'data-testid': testId } : {},
      value === null || value === undefined || value === '' ? '–' : String(value),
    ),
  ];
}

function attemptRow(attempt: AttemptRow) {
  return h(
    'tr',
    { 'data-testid': 'attempt-row', class: attempt.outcome === 'error' ? 'failed' : '' },
    h('td', { class: 'num' }, attempt.attemptIndex + 1),
    h('td', {}, `${attempt.provider}/${attempt.model}`),
    h('td', { class: 'nowrap' }, formatTime(attempt.startedAt)),
    h('td', { class: 'num' }, formatDuration(attempt.latencyMs)),
    h('td', { class: 'num' }, formatDuration(attempt.ttftMs)),
    h(
      'td',
      {},
      h(
        'span',
        { class: `badge outcome-${attempt.outcome === 'error' ? 'upstream_error' : 'success'}` },
        attempt.outcome === 'error' ? (attempt.errorCode ?? 'error') : 'success',
      ),
    ),
    h('td', { class: 'num' }, attempt.httpStatus ?? '–'),
    h(
      'td',
      { class: 'num nowrap' },
      `${attempt.uncachedInputTokens} + ${attempt.cacheReadInputTokens} cached + ${attempt.cacheWriteInputTokens} written / ${attempt.outputTokens}`,
    ),
    h('td', { class: 'num' }, formatUsd(attempt.costUsd)),
  );
}

/** Shows one request with every attempt in the page's `<dialog id="detail">`. */
export function showRequestDetail(detail: RequestDetail): void {
  const dialog = byId<HTMLDialogElement>('detail');
  const request = detail.request;
  replaceChildren(
    dialog,
    h(
      'div',
      { class: 'dialog-head' },
      h('h2', {}, 'Request ', h('code', { 'data-testid': 'detail-id' }, request.requestId)),
      h('button', { type: 'button', class: 'close', 'aria-label': 'Close', onclick: () => dialog.close() }, '×'),
    ),
    h(
      'dl',
      { class: 'fields' },
      field('started', new Date(request.startedAt).toISOString()),
      field('tenant / feature', `${request.tenant} / ${request.feature}`),
      field('virtual key', request.keyId),
      field('protocol', request.protocol),
      field('asked for', request.requestedModel),
      field('served by', request.model ? `${request.provider}/${request.model}` : null),
      field('route', `${request.routeRule}${request.routeReason ? `: ${request.routeReason}` : ''}`, 'detail-route'),
      field('tier', request.tier),
      field('cache', request.cacheStatus),
      field('cost', formatUsd(request.costUsd), 'detail-cost'),
      field('baseline cost', formatUsd(request.counterfactualCostUsd)),
      field(
        'tokens',
        `${request.uncachedInputTokens} uncached + ${request.cacheReadInputTokens} cache read + ${request.cacheWriteInputTokens} cache write in, ${request.outputTokens} out (${request.reasoningTokens} reasoning), ${request.usageSource}`,
      ),
      field(
        'latency',
        `${formatDuration(request.latencyMs)} (first token ${formatDuration(request.ttftMs)}, gateway ${request.overheadMs.toFixed(2)} ms)`,
      ),
      field(
        'outcome',
        `${request.outcome} · HTTP ${request.httpStatus}${request.errorCode ? ` · ${request.errorCode}` : ''}`,
        'detail-outcome',
      ),
      request.priced ? null : field('pricing', 'the model has no price: cost unknown'),
    ),
    h('h3', {}, `Attempts (${detail.attempts.length})`),
    detail.attempts.length === 0
      ? h(
          'p',
          { class: 'empty' },
          request.cacheStatus.startsWith('hit')
            ? 'Answered from the cache: no provider was called.'
            : 'No provider was called.',
        )
      : h(
          'table',
          { class: 'table compact' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['#', 'deployment', 'started', 'latency', 'first token', 'result', 'HTTP', 'tokens in / out', 'cost'].map(
                (title) => h('th', {}, title),
              ),
            ),
          ),
          h('tbody', {}, detail.attempts.map(attemptRow)),
        ),
    detail.feedback.length === 0
      ? null
      : [
          h('h3', {}, 'Feedback'),
          h(
            'ul',
            {},
            detail.feedback.map((item) =>
              h('li', {}, `${formatTime(item.at)}: ${item.score ?? ''} ${item.label ?? ''} ${item.comment ?? ''}`),
            ),
          ),
        ],
  );
  if (!dialog.open) dialog.showModal();
}
