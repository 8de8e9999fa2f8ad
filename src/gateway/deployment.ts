import type { ModelConfig, ProviderConfig, TierConfig } from '../config/config-schema.js';
import type { ModelPrice } from '../pricing/model-price.js';
import type { ProviderAdapter } from '../providers/provider-adapter.js';

/** One model at one provider: the unit the router chooses and the attempt stage calls. */
export interface Deployment {
  /** `provider/model`, as config and the ledger name it. */
  id: string;
  /** The provider's configuration. */
  provider: ProviderConfig;
  /** The model's configuration. */
  model: ModelConfig;
  /** The model name sent to the provider. */
  upstreamModel: string;
  /** The adapter that speaks the provider's API. */
  adapter: ProviderAdapter;
  /** USD per token, or undefined when neither config nor catalogue prices it (flagged, never $0). */
  price: ModelPrice | undefined;
  /** What the model can do. */
  capabilities: ReadonlySet<string>;
  /** True for endpoints on the user's own machines. */
  local: boolean;
  /** May take `x-tollgate-data-residency: local` traffic. */
  residencyAllowed: boolean;
}

/** A named group of deployments in fallback order (a tier or an alias). */
export interface DeploymentGroup {
  /** The group's name. */
  name: string;
  /** Deployments in fallback order. */
  deployments: Deployment[];
  /** Tier settings, for tiers. */
  tier: TierConfig | undefined;
}
