import type { DeploymentGroup } from '../../gateway/deployment.js';
import type { RequestContext } from '../../gateway/request-context.js';
import type { ChatRequest } from '../../spec/index.js';

/**
 * A tier's request defaults (the seeds' per-model system prompts, stop sequences and JSON mode):
 * `system_prompt` goes first, before any system message of the client's (a stable prefix for provider
 * prompt caching); `stop` and `response_format` apply only when the client gave none, and JSON mode
 * only when the request has no tools and every candidate deployment supports it. Never silent: each
 * change is a warning (`x-tollgate-warning` and the log).
 */
export function applyTierDefaults(options: {
  request: ChatRequest;
  /** The routed tier, if the route is a tier. */
  tier: DeploymentGroup | undefined;
  context: Pick<RequestContext, 'warnings'>;
}): ChatRequest {
  const { request, tier, context } = options;
  const settings = tier?.tier;
  if (!tier || !settings) return request;
  let changed = request;
  const applied: string[] = [];
  if (settings.system_prompt !== undefined) {
    changed = {
      ...changed,
      messages: [{ role: 'system', content: [{ type: 'text', text: settings.system_prompt }] }, ...changed.messages],
    };
    applied.push('system prompt');
  }
  if (settings.stop !== undefined && (changed.stopSequences === undefined || changed.stopSequences.length === 0)) {
    changed = { ...changed, stopSequences: [...settings.stop] };
    applied.push('stop sequences');
  }
  if (settings.response_format === 'json_object' && changed.responseFormat === undefined) {
    const withoutJson = tier.deployments.filter((deployment) => !deployment.capabilities.has('json_mode'));
    if (changed.tools && changed.tools.length > 0) {
      context.warnings.push(`tier ${tier.name}: JSON mode not applied to a request with tools`);
    } else if (withoutJson.length > 0) {
      context.warnings.push(
        `tier ${tier.name}: JSON mode not applied (no json_mode on ${withoutJson.map((d) => d.id).join(', ')})`,
      );
    } else {
      changed = { ...changed, responseFormat: { type: 'json_object' } };
      applied.push('JSON mode');
    }
  }
  if (applied.length > 0) context.warnings.push(`tier ${tier.name} defaults applied: ${applied.join(', ')}`);
  return changed;
}
