import type { Alert } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { formatShare, formatTime, formatUsd } from './format.js';

const MEANING: Record<Alert['threshold'], string> = {
  fallback: 'cheaper tiers from now on',
  throttle: 'interactive traffic only',
  limit: 'requests refused',
};

/** Budget threshold alerts, newest first. */
export function renderAlerts(container: HTMLElement, alerts: Alert[]): void {
  if (alerts.length === 0) {
    replaceChildren(
      container,
      h('p', { class: 'empty' }, 'No budget has crossed a threshold since the gateway started.'),
    );
    return;
  }
  replaceChildren(
    container,
    h(
      'ul',
      { class: 'alerts' },
      alerts.map((alert) =>
        h(
          'li',
          { 'data-testid': 'alert', 'data-key': alert.budget },
          h('span', { class: `badge threshold-${alert.threshold}` }, alert.threshold),
          h('strong', {}, alert.budget),
          h(
            'span',
            {},
            ` at ${formatShare(alert.utilisation)} (${formatUsd(alert.spent_usd)} of ${formatUsd(alert.limit_usd)}): ${MEANING[alert.threshold]}`,
          ),
          h('time', { class: 'muted', datetime: alert.at }, formatTime(Date.parse(alert.at))),
        ),
      ),
    ),
  );
}
