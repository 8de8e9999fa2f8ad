import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { encodeOnnxModel } from './encode-onnx-model.js';

describe('encodeOnnxModel', () => {
  it('writes a model onnxruntime loads and runs: initializers, integer, float and list attributes, free dimensions', async () => {
    // y = Transpose(LayerNorm(x * w + b)) and the row sums of x as int64-shaped input to ReduceSum.
    const bytes = encodeOnnxModel({
      name: 'test',
      opsets: { '': 17 },
      nodes: [
        { op: 'Mul', inputs: ['x', 'w'], outputs: ['scaled'] },
        { op: 'Add', inputs: ['scaled', 'b'], outputs: ['shifted'] },
        {
          op: 'LayerNormalization',
          inputs: ['shifted', 'gamma', 'beta'],
          outputs: ['normalized'],
          attributes: { axis: { int: -1 }, epsilon: { float: 0.5 } },
        },
        { op: 'Transpose', inputs: ['normalized'], outputs: ['y'], attributes: { perm: { ints: [1, 0] } } },
        { op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['sums'], attributes: { keepdims: { int: 0 } } },
      ],
      initializers: [
        { name: 'w', dims: [2], values: Float32Array.of(2, -1) },
        { name: 'b', dims: [], values: Float32Array.of(1) },
        { name: 'gamma', dims: [2], values: Float32Array.of(1, 1) },
        { name: 'beta', dims: [2], values: Float32Array.of(0, 0) },
        { name: 'axes', dims: [1], values: BigInt64Array.of(-1n) },
      ],
      inputs: [{ name: 'x', elementType: 'float', shape: ['rows', 2] }],
      outputs: [
        { name: 'y', elementType: 'float', shape: [2, 'rows'] },
        { name: 'sums', elementType: 'float', shape: ['rows'] },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    const x = Float32Array.of(1, 1, 3, -1, 0, 0);
    const outputs = await session.run({ x: new ort.Tensor('float32', x, [3, 2]) });
    const y = outputs.y;
    const sums = outputs.sums;
    assert.ok(y && sums);
    assert.deepEqual(y.dims, [2, 3]);
    // Row by row: x*w+b = [3, 0], [7, 2], [1, 1]; layer norm with epsilon 0.5 (which shows the float
    // attribute arrived): (v - mean) / sqrt(var + 0.5).
    const expected = [
      [3, 0],
      [7, 2],
      [1, 1],
    ].map(([left, right]) => {
      const mean = ((left as number) + (right as number)) / 2;
      const variance = ((left as number) - mean) ** 2;
      const scale = 1 / Math.sqrt(variance + 0.5);
      return [((left as number) - mean) * scale, ((right as number) - mean) * scale];
    });
    const transposed = [0, 1].flatMap((column) => expected.map((row) => row[column] as number));
    for (const [index, value] of [...(y.data as Float32Array)].entries()) {
      assert.ok(Math.abs(value - (transposed[index] as number)) < 1e-5, `y[${index}] = ${value}`);
    }
    assert.deepEqual([...(sums.data as Float32Array)], [2, 2, 0]);
  });
});
