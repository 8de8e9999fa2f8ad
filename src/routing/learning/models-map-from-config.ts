import type { ConfigFile } from '../../config/config-schema.js';

/**
 * Ledger model names (`provider/model` as the ledger records it, with the upstream model name) →
 * the tier that lists the deployment. A deployment in several tiers maps to the first in tier order,
 * so the learned router can score tiers from the gateway's own outcomes.
 */
export function modelsMapFromConfig(config: ConfigFile): Record<string, string> {
  const map: Record<string, string> = {};
  const order = config.routing.tier_order ?? Object.keys(config.tiers);
  for (const tierName of order) {
    const tier = config.tiers[tierName];
    if (!tier) continue;
    for (const deployment of tier.deployments) {
      const slash = deployment.indexOf('/');
      const providerName = deployment.slice(0, slash);
      const modelName = deployment.slice(slash + 1);
      const model = config.providers
        .find((provider) => provider.name === providerName)
        ?.models.find((candidate) => candidate.name === modelName);
      for (const key of new Set([deployment, `${providerName}/${model?.upstream ?? modelName}`])) {
        map[key] ??= tierName;
      }
    }
  }
  return map;
}
