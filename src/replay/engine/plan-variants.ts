import type { ConfigFile } from '../../config/config-schema.js';
import { validateConfig } from '../../config/load-config.js';
import type { Trace } from '../trace/trace-request.js';
import { defaultReplayConfig } from './default-replay-config.js';
import type { PriceScenario } from './price-scenario.js';
import {
  deriveVariants,
  prepareReplayConfig,
  type ReplayVariant,
  VARIANT_NAMES,
  type VariantName,
} from './replay-variants.js';

/** A column not replayed because it equals another by construction (see {@link planVariants}). */
export interface VariantCopy {
  name: VariantName;
  label: string;
  model: string;
  /** The replayed column whose numbers it shows. */
  from: VariantName;
}

/** What to replay and what to show. */
export interface VariantPlan {
  /** Configurations to replay. */
  variants: ReplayVariant[];
  /** Columns shown as copies of replayed ones. */
  copies: VariantCopy[];
  /** What the report should say about the plan. */
  notes: string[];
  /**
   * True when every request is independent of the ones before it in every configuration replayed (no
   * cache can hit, no prefix is shared, no budget carries spend over, no speed floor demotes an
   * endpoint): the trace may then be cut into
   * shares replayed in parallel and added up, with the same result as one pass.
   */
  independentRequests: boolean;
}

/** Options for {@link planVariants}. */
export interface PlanVariantsOptions {
  trace: Trace;
  /** A config document (parsed YAML); default: the built-in replay config. */
  config?: unknown;
  configSource?: string;
  scenario?: PriceScenario;
  /** The columns wanted besides the baseline (default: all). */
  wanted?: readonly VariantName[];
  environment?: NodeJS.ProcessEnv;
}

/** Display order of the columns. */
const ORDER: readonly VariantName[] = [...VARIANT_NAMES, 'full-current'];

/** The configurations in display order. */
export function orderOfVariant(name: VariantName): number {
  return ORDER.indexOf(name);
}

function withoutSemantic(config: ConfigFile): ConfigFile {
  return { ...config, cache: { ...config.cache, semantic: { ...config.cache.semantic, enabled: false } } };
}

/**
 * The configurations a replay compares: baseline, cache only, routing only and full, derived from the
 * config, plus `full-current` (the full stack at today's prices) beside a price scenario.
 *
 * On content-free traces (synthetic filler of recorded sizes) the semantic cache is kept out: filler
 * texts resemble each other and would "hit" where real traffic would not. When, in addition, no two
 * prompts share a prefix (Azure, ledger: every prompt starts with its own text and has no system prompt
 * or delimiter for a breakpoint), no answer-cache hit and no prefix-cache read is possible: the cache
 * layer changes nothing, so "cache only" equals the baseline (when no budget applies, since the
 * baseline runs without budgets) and "full" equals "routing only". Those columns are shown as copies
 * rather than replayed again; a test holds the equality.
 */
export function planVariants(options: PlanVariantsOptions): VariantPlan {
  const { trace } = options;
  const { config: userConfig } = validateConfig({
    document: options.config ?? defaultReplayConfig(),
    source: options.configSource ?? (options.config === undefined ? 'the built-in replay config' : 'the given config'),
    environment: options.environment ?? process.env,
  });
  const longest = trace.longestOutputTokens === undefined ? {} : { longestOutputTokens: trace.longestOutputTokens };
  const prepared = prepareReplayConfig({
    config: userConfig,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...longest,
  });
  const wanted = new Set<VariantName>(['baseline', ...(options.wanted ?? ['cache', 'routing', 'full'])]);
  let variants = deriveVariants(prepared.config).filter((variant) => wanted.has(variant.name));
  if (options.scenario && wanted.has('full')) {
    const current = prepareReplayConfig({ config: userConfig, ...longest });
    const full = deriveVariants(current.config).find((variant) => variant.name === 'full');
    if (full) variants.push({ ...full, name: 'full-current', label: 'full @ today' });
  }
  const notes = [...prepared.notes];
  const copies: VariantCopy[] = [];
  if (trace.contentFree) {
    variants = variants.map((variant) => ({ ...variant, config: withoutSemantic(variant.config) }));
  }
  if (trace.contentFree && !trace.sharedPrefixes) {
    const copy = (name: VariantName, from: VariantName): void => {
      const index = variants.findIndex((variant) => variant.name === name);
      const source = variants.find((variant) => variant.name === from);
      const target = variants[index];
      if (!target || !source) return;
      copies.push({ name, label: target.label, model: target.model, from });
      variants.splice(index, 1);
    };
    if (prepared.config.budgets.length === 0) copy('cache', 'baseline');
    copy('full', 'routing');
    if (copies.length > 0) {
      const described = copies.map((entry) => `"${entry.label}" = "${labelOf(variants, entry.from)}"`).join(', ');
      notes.push(
        `${described}: on prompts that share no text, no answer-cache hit and no prefix-cache read is possible, so the cache layer changes nothing and those columns are not replayed twice.`,
      );
    }
  }
  const independentRequests =
    trace.contentFree &&
    !trace.sharedPrefixes &&
    variants.every((variant) => variant.config.budgets.length === 0 && !hasSemanticCache(variant.config)) &&
    // A speed floor demotes an endpoint on what earlier requests measured: state carried across requests.
    prepared.config.providers.every((provider) => provider.limits.min_output_tokens_per_second === undefined);
  return { variants, copies, notes, independentRequests };
}

function labelOf(variants: readonly ReplayVariant[], name: VariantName): string {
  return variants.find((variant) => variant.name === name)?.label ?? name;
}

function hasSemanticCache(config: ConfigFile): boolean {
  return config.cache.enabled && config.cache.semantic.enabled;
}
