import { defaultReplayConfig } from '../replay/engine/default-replay-config.js';

/**
 * The demo's configuration: the replay's built-in line-up (simulated OpenAI, Anthropic and DeepSeek
 * models at catalogue prices, fast / balanced / premium tiers, exact and semantic caching, prefix
 * breakpoints, the heuristic router), as a newcomer would start.
 */
export function demoConfig(): Record<string, unknown> {
  return defaultReplayConfig();
}
