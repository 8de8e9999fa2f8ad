import type { Deployment } from '../../gateway/deployment.js';
import type { RequestContext } from '../../gateway/request-context.js';
import { type ChatRequest, GatewayError, type StreamPart } from '../../spec/index.js';
import type { AttemptLog } from './attempt-log.js';

/** A stream that has produced its first output part and is committed to one deployment. */
export interface OpenedStream {
  /** Parts received so far, the first output part last. */
  buffered: StreamPart[];
  /** The rest of the stream. */
  iterator: AsyncIterator<StreamPart>;
  /** Frees the deployment's capacity slot; call when the stream ends. */
  release: () => void;
}

function isOutput(part: StreamPart): boolean {
  return (
    part.type === 'text-delta' ||
    part.type === 'reasoning-delta' ||
    part.type === 'tool-call-delta' ||
    part.type === 'finish'
  );
}

/**
 * One streaming attempt, up to its first output part. A failure before that point is thrown, so the
 * fallback chain may try another deployment; after it, the stream is committed and failures reach the
 * client as an in-stream error.
 */
export async function openStream(options: {
  deployment: Deployment;
  request: ChatRequest;
  context: RequestContext;
  log: AttemptLog;
  keep: () => () => void;
}): Promise<OpenedStream> {
  const { deployment, context } = options;
  const started = performance.now();
  const iterable = await deployment.adapter.stream(options.request, {
    upstreamModel: deployment.upstreamModel,
    signal: context.abort.signal,
    warn: (message) => context.warnings.push(message),
  });
  const iterator = iterable[Symbol.asyncIterator]();
  const buffered: StreamPart[] = [];
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        throw new GatewayError({
          code: 'stream_cut',
          message: `The stream from ${deployment.id} ended before any output.`,
          endpoint: deployment.id,
        });
      }
      if (next.value.type === 'error') throw next.value.error;
      buffered.push(next.value);
      if (isOutput(next.value)) {
        options.log.ttftMs = performance.now() - started;
        return { buffered, iterator, release: options.keep() };
      }
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
}
