/**
 * Why generation stopped, in one vocabulary for every provider.
 * - `stop`: a natural end or a stop sequence.
 * - `length`: the output token limit was reached.
 * - `tool-calls`: the model asked for one or more tool calls.
 * - `content-filter`: the provider withheld content.
 * - `error`: generation ended because of an error.
 * - `other`: anything a provider reports that fits none of the above.
 */
export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';
