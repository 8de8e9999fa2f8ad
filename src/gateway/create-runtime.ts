import type { ConfigFile } from '../config/config-schema.js';
import type { HttpTransport } from '../http/http-transport.js';
import { costOfOwnershipPrice } from '../pricing/cost-of-ownership.js';
import { resolveModelPrice } from '../pricing/resolve-model-price.js';
import { createProviderAdapter, type SimulationHooks } from '../providers/create-provider-adapter.js';
import type { Deployment, DeploymentGroup } from './deployment.js';

/** Everything the request path needs that is built from config; replaced whole on reload. */
export interface Runtime {
  /** The validated configuration. */
  config: ConfigFile;
  /** True when the simulated provider stands in for real ones. */
  simulated: boolean;
  /** Every deployment by `provider/model`. */
  deployments: ReadonlyMap<string, Deployment>;
  /** Deployments by bare model name (several providers may serve the same model). */
  byModelName: ReadonlyMap<string, Deployment[]>;
  /** Tiers by name, in config order (cheapest first by convention). */
  tiers: ReadonlyMap<string, DeploymentGroup>;
  /** Aliases by name. */
  aliases: ReadonlyMap<string, DeploymentGroup>;
  /** The counterfactual model for savings: config `baseline`, else the premium tier's first deployment. */
  baseline: Deployment | undefined;
}

/** Builds the runtime from a validated config. */
export function createRuntime(options: {
  config: ConfigFile;
  simulated: boolean;
  transport: HttpTransport;
  environment: NodeJS.ProcessEnv;
  simulation?: SimulationHooks;
}): Runtime {
  const { config } = options;
  const deployments = new Map<string, Deployment>();
  const byModelName = new Map<string, Deployment[]>();
  for (const provider of config.providers) {
    const adapter = createProviderAdapter({
      provider,
      transport: options.transport,
      environment: options.environment,
      simulation: options.simulation,
    });
    for (const model of provider.models) {
      const upstreamModel = model.upstream ?? model.name;
      const price = provider.cost_of_ownership
        ? costOfOwnershipPrice(provider.cost_of_ownership)
        : resolveModelPrice({
            model: upstreamModel,
            provider: provider.preset ?? provider.kind,
            priceAs: model.price_as,
            override: model.pricing,
            overrides: config.pricing,
          });
      const deployment: Deployment = {
        id: `${provider.name}/${model.name}`,
        provider,
        model,
        upstreamModel,
        adapter,
        price,
        capabilities: new Set(model.capabilities),
        local: provider.location === 'local',
        residencyAllowed: provider.data_residency ?? provider.location === 'local',
      };
      deployments.set(deployment.id, deployment);
      const sameName = byModelName.get(model.name) ?? [];
      sameName.push(deployment);
      byModelName.set(model.name, sameName);
    }
  }
  const group = (name: string, ids: string[], tier: DeploymentGroup['tier']): DeploymentGroup => ({
    name,
    tier,
    deployments: ids.map((id) => {
      const deployment = deployments.get(id);
      if (!deployment) throw new Error(`${name}: unknown deployment ${id}`);
      return deployment;
    }),
  });
  const tiers = new Map(
    Object.entries(config.tiers).map(([name, tier]) => [name, group(name, tier.deployments, tier)]),
  );
  const aliases = new Map(Object.entries(config.aliases).map(([name, ids]) => [name, group(name, ids, undefined)]));
  const premium = tiers.get('premium') ?? [...tiers.values()].at(-1);
  const baseline = config.baseline ? deployments.get(config.baseline) : premium?.deployments[0];
  return { config, simulated: options.simulated, deployments, byModelName, tiers, aliases, baseline };
}
