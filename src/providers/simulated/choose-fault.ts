import { SimulatedRequestError } from './simulated-completion.js';
import { SIMULATED_FAULT_KINDS, type SimulatedFault, type SimulatedFaultKind } from './simulated-provider-options.js';

/** The request header that forces a fault: `x-sim-fault: reset; at=before`, `rate_limit; retry-after=5`, `none`. */
export const FAULT_HEADER = 'x-sim-fault';

/** The fault a request gets. */
export interface ChosenFault {
  kind: SimulatedFaultKind;
  /** For `rate_limit`: seconds in `retry-after`. */
  retryAfterS?: number;
  /** For `reset`: before the response, or during the body (default: during for streams, else before). */
  at?: 'before' | 'during';
}

function parseHeader(value: string): ChosenFault | 'none' {
  const [kindText = '', ...parameters] = value.split(';').map((part) => part.trim());
  if (kindText === 'none') return 'none';
  const kind = SIMULATED_FAULT_KINDS.find((known) => known === kindText);
  if (!kind) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      message: `Unknown ${FAULT_HEADER} '${kindText}'; use one of ${SIMULATED_FAULT_KINDS.join(', ')} or none.`,
    });
  }
  const fault: ChosenFault = { kind };
  for (const parameter of parameters) {
    const [name, setting] = parameter.split('=').map((part) => part.trim());
    if (name === 'retry-after' && setting !== undefined && Number.isFinite(Number(setting))) {
      fault.retryAfterS = Number(setting);
    }
    if (name === 'at' && (setting === 'before' || setting === 'during')) fault.at = setting;
  }
  return fault;
}

/**
 * Decides whether a request fails and how: a fault forced by the `x-sim-fault` header wins (`none`
 * suppresses random faults); otherwise one draw of the random source against the faults' cumulative
 * probabilities, so a seeded source gives the same sequence of faults on every run.
 */
export function chooseFault(input: {
  faults: readonly SimulatedFault[];
  random: () => number;
  header: string | undefined;
}): ChosenFault | undefined {
  if (input.header !== undefined && input.header.trim() !== '') {
    const forced = parseHeader(input.header);
    return forced === 'none' ? undefined : forced;
  }
  if (input.faults.length === 0) return undefined;
  const draw = input.random();
  let cumulative = 0;
  for (const fault of input.faults) {
    cumulative += Math.max(0, fault.probability);
    if (draw < cumulative) {
      return fault.retryAfterS === undefined
        ? { kind: fault.kind }
        : { kind: fault.kind, retryAfterS: fault.retryAfterS };
    }
  }
  return undefined;
}
