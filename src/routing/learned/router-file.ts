import { z } from 'zod';
import { GatewayError } from '../../spec/gateway-error.js';

/** Current `router.json` format version; bump on any incompatible change. */
export const ROUTER_FILE_VERSION = 1;

const featureConfigSchema = z
  .object({
    hashBits: z.number().int().min(8).max(24),
    wordNgramMax: z.number().int().min(0).max(3),
    charNgramMin: z.number().int().min(0).max(8),
    charNgramMax: z.number().int().min(0).max(8),
    tailSegment: z.boolean(),
  })
  .strict();

const modelSchema = z
  .object({
    /** The model as the outcome data names it. */
    id: z.string().min(1),
    /** Mean observed quality in the training data (the model's track record). */
    meanQuality: z.number().min(0).max(1),
    /** Mean observed cost per request in USD. */
    meanCostUsd: z.number().nonnegative(),
    /** Number of training outcomes. */
    observations: z.number().int().nonnegative(),
    /** `P(success) = sigmoid(intercept + slope · difficulty score)`. */
    link: z.object({ intercept: z.number(), slope: z.number() }).strict(),
  })
  .strict();

/** Schema of `router.json`. */
export const routerFileSchema = z
  .object({
    format: z.literal('tollgate-router'),
    version: z.literal(ROUTER_FILE_VERSION),
    /** The method, for humans and for future formats. */
    method: z.literal('tfidf-difficulty-irt'),
    createdAt: z.string(),
    features: featureConfigSchema,
    vocabulary: z
      .object({
        /** Hash buckets kept, ascending. */
        buckets: z.array(z.number().int().nonnegative()),
        /** Inverse document frequency per bucket. */
        idf: z.array(z.number()),
        sublinearTf: z.boolean(),
      })
      .strict(),
    /**
     * The difficulty score: `bias + x · weights` over the prompt's L2-normalised TF-IDF row, a ridge
     * estimate of the share of models that answer the prompt well.
     */
    difficulty: z
      .object({
        bias: z.number(),
        /** Ridge penalty chosen by generalised cross-validation. */
        alpha: z.number().positive(),
        /** One weight per vocabulary entry. */
        weights: z.array(z.number()),
      })
      .strict(),
    models: z.array(modelSchema).min(1),
    /** Data model → configured tier or deployment (`provider/model`) it stands for. */
    modelsMap: z.record(z.string(), z.string()),
    training: z
      .object({
        prompts: z.number().int().nonnegative(),
        rows: z.number().int().nonnegative(),
        seconds: z.number().nonnegative(),
      })
      .strict(),
  })
  .strict()
  .superRefine((file, context) => {
    const size = file.vocabulary.buckets.length;
    if (file.vocabulary.idf.length !== size) {
      context.addIssue({ code: 'custom', path: ['vocabulary', 'idf'], message: 'must have one entry per bucket' });
    }
    if (file.difficulty.weights.length !== size) {
      context.addIssue({ code: 'custom', path: ['difficulty', 'weights'], message: 'must have one entry per bucket' });
    }
    if (file.vocabulary.buckets.some((bucket) => bucket >= 2 ** file.features.hashBits)) {
      context.addIssue({ code: 'custom', path: ['vocabulary', 'buckets'], message: 'bucket outside 2^hashBits' });
    }
  });

/** The learned router as stored in `router.json`. */
export type RouterFile = z.infer<typeof routerFileSchema>;
/** One model's entry in `router.json`. */
export type RouterFileModel = RouterFile['models'][number];

/** Validates parsed JSON as a router file; a mismatch is a GatewayError naming the first problem. */
export function parseRouterFile(value: unknown): RouterFile {
  const result = routerFileSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'file';
  throw new GatewayError({
    code: 'invalid_request',
    message: `Not a valid router file (format tollgate-router v${ROUTER_FILE_VERSION}): ${where}: ${issue?.message ?? 'invalid'}`,
  });
}
