import { TASK_TYPES } from '../../config/config-schema.js';

/** A kind of task a tier may be restricted to (`routing.tiers.*.task_types`). */
export type TaskType = (typeof TASK_TYPES)[number];

/** Every task type, in a stable order. */
export { TASK_TYPES };

/** The detector's verdict. */
export interface TaskTypeDetection {
  /** The most likely task type (`chat` when nothing points elsewhere). */
  taskType: TaskType;
  /**
   * How sure the detector is, 0–1: the winner's share of all cue evidence, damped when the evidence
   * is thin. Below about 0.5 a router should not rely on the type (treat it as open-ended).
   */
  confidence: number;
  /** Raw cue evidence per type. */
  evidence: Record<TaskType, number>;
}

interface Cue {
  pattern: RegExp;
  weight: number;
}

// An instruction at the start of the prompt ("Translate …", "Summarise …") is stronger evidence than
// the same word in the middle of pasted content, hence the anchored cues with higher weights.
const CUES: Record<TaskType, readonly Cue[]> = {
  classification: [
    { pattern: /^\s*(classify|categori[sz]e|label|tag)\b/im, weight: 3 },
    {
      pattern: /\b(classify|categori[sz]e|which category|what category|assign (a|the) (label|category))\b/i,
      weight: 2,
    },
    { pattern: /\b(one of the following|choose (one|from)|is (this|it) (spam|a|an)\b.*\bor\b)/i, weight: 1.5 },
    { pattern: /^\s*[A-D][).]\s+\S/m, weight: 1 },
    { pattern: /\b(yes or no|true or false)\b/i, weight: 1 },
  ],
  extraction: [
    { pattern: /^\s*(extract|pull out|list all|find all|identify all|parse)\b/im, weight: 3 },
    { pattern: /\b(extract|named entit(y|ies)|ner\b|key-value|fields?:|return (a )?json with)\b/i, weight: 2 },
    { pattern: /\b(names?|dates?|emails?|phone numbers?|addresses|amounts?) (of|from|in) (the|this)\b/i, weight: 1.5 },
  ],
  sentiment: [
    { pattern: /\bsentiment\b/i, weight: 3 },
    {
      pattern:
        /\b(positive,? (or |negative)|negative or positive|polarity|tone of|how (does|did) the (customer|user|author) feel)\b/i,
      weight: 2.5,
    },
    { pattern: /\b(review|feedback|complaint)\b.*\b(positive|negative|neutral)\b/is, weight: 1.5 },
  ],
  translation: [
    { pattern: /^\s*translate\b/im, weight: 3.5 },
    { pattern: /\btranslat(e|ion|ing)\b/i, weight: 2 },
    {
      pattern:
        /\b(in|into|to) (english|french|german|spanish|italian|portuguese|chinese|japanese|korean|russian|arabic|dutch|hindi)\b/i,
      weight: 1.5,
    },
    {
      pattern: /\bfrom (english|french|german|spanish|italian|portuguese|chinese|japanese|korean|russian|arabic)\b/i,
      weight: 1,
    },
  ],
  summarisation: [
    { pattern: /^\s*(summari[sz]e|tl;?dr|condense|give me the gist)\b/im, weight: 3.5 },
    {
      pattern:
        /\b(summar(y|i[sz]e|i[sz]ation)|tl;?dr|key (points|takeaways)|in (one|two|three|a few) sentences?|shorten)\b/i,
      weight: 2,
    },
  ],
  code: [
    { pattern: /```/, weight: 2 },
    {
      pattern:
        /^\s*(write|implement|fix|refactor|debug) (a |an |the |this |my )?(\w+ )?(function|class|method|script|program|code|query|regex)\b/im,
      weight: 3,
    },
    { pattern: /\b(python|javascript|typescript|java|golang|rust|c\+\+|c#|sql|bash|regex)\b/i, weight: 1.5 },
    { pattern: /\b(function|compile[rs]?|bug|stack ?trace|exception|unit tests?|refactor|api endpoint)\b/i, weight: 1 },
    { pattern: /\b(def|class|import|const|let|return)\s+\w/, weight: 1 },
  ],
  'open-reasoning': [
    { pattern: /\b(why|explain|prove|derive|analy[sz]e|compare|evaluate|justify|design|plan)\b/i, weight: 1.5 },
    {
      pattern:
        /\b(step[- ]by[- ]step|trade-?offs?|pros and cons|what would happen|how (would|should|could) (we|i|you))\b/i,
      weight: 2,
    },
    { pattern: /\d\s*[-+*/^=]\s*\d|\b(solve|calculate|probability|equation)\b/i, weight: 1.5 },
  ],
  chat: [
    { pattern: /^\s*(hi|hello|hey|good (morning|evening)|thanks|thank you)\b/i, weight: 2 },
    { pattern: /\b(how are you|tell me (a joke|about yourself)|what do you think)\b/i, weight: 1.5 },
  ],
};

// Below this much evidence the winner is a guess: confidence is scaled down proportionally.
const SOLID_EVIDENCE = 3;

/**
 * Detects what kind of task a prompt is from cue phrases. Pure and cheap. A prompt with no cues at
 * all is `chat` with low confidence.
 */
export function detectTaskType(text: string): TaskTypeDetection {
  const evidence = Object.fromEntries(TASK_TYPES.map((type) => [type, 0])) as Record<TaskType, number>;
  for (const type of TASK_TYPES) {
    for (const cue of CUES[type]) if (cue.pattern.test(text)) evidence[type] += cue.weight;
  }
  let best: TaskType = 'chat';
  let total = 0;
  for (const type of TASK_TYPES) {
    total += evidence[type];
    if (evidence[type] > evidence[best]) best = type;
  }
  if (total === 0) return { taskType: 'chat', confidence: 0.3, evidence };
  const share = evidence[best] / total;
  const strength = Math.min(1, evidence[best] / SOLID_EVIDENCE);
  return { taskType: best, confidence: share * strength, evidence };
}
