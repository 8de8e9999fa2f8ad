import type { Deployment } from '../gateway/deployment.js';
import type { RequestContext } from '../gateway/request-context.js';
import type { ChatRequest, ChatResponse, Usage } from '../spec/index.js';
import type { RouteDecision } from '../stages/route/route-decision.js';
import type { AnswerFailure } from './cascade/check-answer.js';

/**
 * A request the gateway answered from a provider (not from its cache), after the response was sent
 * and the request settled: what shadow mode and the router's learning read.
 */
export interface AnsweredEvent {
  context: RequestContext;
  /** The request as the client sent it (after context management), before any tier shaped it. */
  request: ChatRequest;
  /** The route that produced the answer. */
  route: RouteDecision;
  /** The deployment that answered. */
  deployment: Deployment;
  /** The answer (for a stream, as accumulated). */
  answer: ChatResponse;
  /** What the request cost, every attempt included, USD. */
  costUsd: number;
  /** Answers a cascade rejected on the way (cheaper tiers' answers that failed a check), oldest first. */
  rejected: RejectedAnswer[];
}

/** A cheaper tier's answer that the cascade rejected. */
export interface RejectedAnswer {
  deployment: Deployment;
  /** Which check it failed. */
  failure: AnswerFailure;
  /** What it used (and cost). */
  usage: Usage | undefined;
}

/** Receives answered requests. Must not throw and must not delay the caller: start async work and return. */
export type AnsweredListener = (event: AnsweredEvent) => void;
