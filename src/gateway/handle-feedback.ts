import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FeedbackRecord } from '../ledger/ledger-record.js';
import { GatewayError } from '../spec/index.js';
import { parseJsonBody, readBody } from '../stages/parse/read-body.js';
import { sendJson } from '../stages/respond/write-response.js';

const feedbackSchema = z
  .object({
    request_id: z.string().min(1).max(128),
    score: z.number().min(0).max(1).optional(),
    label: z.enum(['refined', 'escalated']).optional(),
    comment: z.string().max(2000).optional(),
  })
  .strict()
  .refine((body) => body.score !== undefined || body.label !== undefined, {
    message: 'give a score (0–1) or a label ("refined" or "escalated")',
  });

/** Whoever learns from feedback: the ledger, the semantic cache's thresholds, the router's training data. */
export type FeedbackListener = (feedback: FeedbackRecord) => void;

/**
 * POST /v1/feedback: a quality signal for an earlier request id. `score` is 0–1 (1 = good);
 * `refined` means the user had to ask again, `escalated` that a stronger model was needed.
 */
export async function handleFeedback(options: {
  request: IncomingMessage;
  response: ServerResponse;
  maxBodyBytes: number;
  listeners: FeedbackListener[];
}): Promise<void> {
  const parsed = feedbackSchema.safeParse(parseJsonBody(await readBody(options.request, options.maxBodyBytes)));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join('.') || undefined;
    throw new GatewayError({
      code: 'invalid_request',
      param,
      message: `Invalid feedback${param ? ` at ${param}` : ''}: ${issue?.message}`,
    });
  }
  const feedback: FeedbackRecord = {
    requestId: parsed.data.request_id,
    at: Date.now(),
    score: parsed.data.score ?? null,
    label: parsed.data.label ?? null,
    comment: parsed.data.comment ?? null,
  };
  for (const listener of options.listeners) listener(feedback);
  sendJson({
    response: options.response,
    status: 202,
    body: { accepted: true, request_id: feedback.requestId },
    headers: {},
  });
}
