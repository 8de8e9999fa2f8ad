import type { ModelPrice } from './model-price.js';

/** A local endpoint's cost of ownership, as in config (`cost_of_ownership`). */
export interface CostOfOwnershipConfig {
  /** Purchase price of the machine, USD. */
  hardware_usd: number;
  /** Months over which the purchase is written off. */
  amortisation_months: number;
  /** Average power draw over wall-clock time, watts (idle and busy together). */
  watts: number;
  /** Electricity price, USD per kWh. */
  usd_per_kwh: number;
  /** Share of the time the machine does useful inference work, (0, 1]. */
  utilisation: number;
  /** Output (decode) tokens per second while it works. */
  tokens_per_second: number;
}

/**
 * How much faster a local server reads the prompt (prefill) than it writes the answer (decode).
 * Prefill runs the whole prompt through the model in parallel and is compute-bound; decode makes one
 * forward pass per token and is memory-bandwidth-bound. llama.cpp on Apple silicon measures
 * prompt processing 10–15× faster than generation (https://github.com/ggml-org/llama.cpp/discussions/4167),
 * data-centre GPUs more; 10 is the cautious end, so prompts are not priced too cheaply.
 */
export const PREFILL_SPEEDUP = 10;

/** Mean month length: 365.25 days / 12. */
const SECONDS_PER_MONTH = (365.25 * 24 * 3600) / 12;

const SECONDS_PER_HOUR = 3600;

/**
 * Turns a local endpoint's cost of ownership into per-token prices, so that local and cloud
 * requests land in one ledger at comparable cost (seed 004: "teams track cloud billing but ignore
 * local hardware depreciation, power costs").
 *
 * The machine costs money every second whether busy or not:
 *
 *   hardware per second = hardware_usd / (amortisation_months × 2,629,800 s)
 *   power per second    = watts / 1000 × usd_per_kwh / 3600
 *
 * and produces `tokens_per_second × utilisation` output tokens per second on average, so
 *
 *   output price per token = (hardware per second + power per second) / (tokens_per_second × utilisation)
 *   input price per token  = output price / prefillSpeedup  (default {@link PREFILL_SPEEDUP})
 *
 * Cache writes cost the input price (the prefill that writes the KV cache is the same work); cache
 * reads cost nothing, since a prefix the server already holds skips the prefill and uses no machine
 * time. Labour and cooling are not included; add them to `hardware_usd` if they matter.
 *
 * @param config the endpoint's `cost_of_ownership` block
 * @param options `prefillSpeedup`: prefill/decode speed ratio measured on this machine, if known
 */
export function costOfOwnershipPrice(
  config: CostOfOwnershipConfig,
  options: { prefillSpeedup?: number } = {},
): ModelPrice {
  const prefillSpeedup = options.prefillSpeedup ?? PREFILL_SPEEDUP;
  if (!(config.amortisation_months > 0) || !(config.tokens_per_second > 0) || !(prefillSpeedup > 0)) {
    throw new RangeError('amortisation_months, tokens_per_second and prefillSpeedup must be positive.');
  }
  if (!(config.utilisation > 0 && config.utilisation <= 1)) {
    throw new RangeError('utilisation must be in (0, 1].');
  }
  const hardwarePerSecond = config.hardware_usd / (config.amortisation_months * SECONDS_PER_MONTH);
  const powerPerSecond = ((config.watts / 1000) * config.usd_per_kwh) / SECONDS_PER_HOUR;
  const usefulTokensPerSecond = config.tokens_per_second * config.utilisation;
  const output = (hardwarePerSecond + powerPerSecond) / usefulTokensPerSecond;
  const input = output / prefillSpeedup;
  return {
    input,
    output,
    cacheRead: 0,
    cacheWrite: input,
    cacheWrite1h: input,
    source: 'cost-of-ownership',
  };
}
