import type { Runtime } from './create-runtime.js';

/** GET /v1/models: every name a client may ask for, in the OpenAI list shape. */
export function listModels(runtime: Runtime, createdAt: number): unknown {
  const simulatedOwner = (owner: string): string => (owner === 'simulated' ? 'tollgate-simulated' : owner);
  const entries: {
    id: string;
    object: 'model';
    created: number;
    owned_by: string;
    tollgate: Record<string, unknown>;
  }[] = [];
  entries.push({
    id: 'auto',
    object: 'model',
    created: createdAt,
    owned_by: 'tollgate',
    tollgate: { kind: 'router', tiers: [...runtime.tiers.keys()], simulated: runtime.simulated },
  });
  for (const tier of runtime.tiers.values()) {
    entries.push({
      id: tier.name,
      object: 'model',
      created: createdAt,
      owned_by: 'tollgate',
      tollgate: { kind: 'tier', deployments: tier.deployments.map((d) => d.id), quality: tier.tier?.quality },
    });
  }
  for (const alias of runtime.aliases.values()) {
    entries.push({
      id: alias.name,
      object: 'model',
      created: createdAt,
      owned_by: 'tollgate',
      tollgate: { kind: 'alias', deployments: alias.deployments.map((d) => d.id) },
    });
  }
  for (const deployment of runtime.deployments.values()) {
    entries.push({
      id: deployment.id,
      object: 'model',
      created: createdAt,
      owned_by: simulatedOwner(deployment.provider.name),
      tollgate: {
        kind: 'deployment',
        provider: deployment.provider.name,
        model: deployment.model.name,
        location: deployment.provider.location,
        simulated: deployment.provider.kind === 'simulated',
        capabilities: [...deployment.capabilities],
        priced: deployment.price !== undefined,
      },
    });
  }
  return { object: 'list', data: entries };
}
