/** Element types this encoder writes, with their ONNX `TensorProto.DataType` codes. */
const ELEMENT_TYPES = { float: 1, int32: 6, int64: 7 } as const;

/** An element type of a tensor in an {@link OnnxGraph}. */
export type OnnxElementType = keyof typeof ELEMENT_TYPES;

/** A constant tensor of the graph (weights, shapes, scalars). */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  values: Float32Array | Int32Array | BigInt64Array;
}

/** A graph input or output: a name, an element type and a shape whose strings are named free dimensions. */
export interface OnnxValueInfo {
  name: string;
  elementType: OnnxElementType;
  shape: readonly (number | string)[];
}

/** An attribute value; tagged because ONNX tells an integer from a float. */
export type OnnxAttribute = { int: number } | { float: number } | { ints: readonly number[] };

/** One operator of the graph. */
export interface OnnxNode {
  op: string;
  /** Operator set of `op`: the default ONNX domain unless given (e.g. `com.microsoft`, onnxruntime's own). */
  domain?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, OnnxAttribute>>;
}

/** A whole model: the operators in topological order, their constants, inputs and outputs. */
export interface OnnxGraph {
  name: string;
  /** Version per operator-set domain used, `''` being the default ONNX domain. */
  opsets: Readonly<Record<string, number>>;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

/** IR version 8 (ONNX 1.10): understood by every onnxruntime since 1.10. */
const IR_VERSION = 8;

/**
 * Protocol-buffer writer for the few message types an ONNX model needs. Field numbers are those of
 * onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto); a nested message is encoded
 * first and then written as a length-delimited field.
 */
class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private varint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement, as protobuf does.
    let rest = BigInt.asUintN(64, value);
    const bytes: number[] = [];
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest !== 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest !== 0n);
    this.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varint(BigInt((field << 3) | wireType));
  }

  integer(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(BigInt(value));
    return this;
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (writer: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

function elementTypeOf(values: OnnxInitializer['values']): OnnxElementType {
  if (values instanceof Float32Array) return 'float';
  if (values instanceof Int32Array) return 'int32';
  return 'int64';
}

function writeTensor(writer: ProtoWriter, tensor: OnnxInitializer): void {
  for (const dim of tensor.dims) writer.integer(1, dim);
  writer.integer(2, ELEMENT_TYPES[elementTypeOf(tensor.values)]);
  writer.string(8, tensor.name);
  // raw_data is little-endian; typed arrays are in the host's order, which is little-endian on every
  // platform onnxruntime-node ships for.
  writer.bytes(9, new Uint8Array(tensor.values.buffer, tensor.values.byteOffset, tensor.values.byteLength));
}

function writeValueInfo(writer: ProtoWriter, info: OnnxValueInfo): void {
  writer.string(1, info.name);
  writer.message(2, (type) =>
    type.message(1, (tensorType) => {
      tensorType.integer(1, ELEMENT_TYPES[info.elementType]);
      tensorType.message(2, (shape) => {
        for (const dim of info.shape) {
          shape.message(1, (dimension) => {
            if (typeof dim === 'number') dimension.integer(1, dim);
            else dimension.string(2, dim);
          });
        }
      });
    }),
  );
}

function writeAttribute(writer: ProtoWriter, name: string, attribute: OnnxAttribute): void {
  writer.string(1, name);
  if ('int' in attribute) writer.integer(3, attribute.int).integer(20, 2);
  else if ('float' in attribute) writer.float(2, attribute.float).integer(20, 1);
  else {
    for (const value of attribute.ints) writer.integer(8, value);
    writer.integer(20, 7);
  }
}

/**
 * Serialises a graph to the bytes of an ONNX `ModelProto`, ready for `InferenceSession.create`.
 * Only what a plain inference graph needs: default-domain operators, raw tensor data, typed inputs
 * and outputs.
 */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const model = new ProtoWriter()
    .integer(1, IR_VERSION)
    .string(2, 'tollgate')
    .message(7, (body) => {
      graph.nodes.forEach((node, index) => {
        body.message(1, (writer) => {
          for (const input of node.inputs) writer.string(1, input);
          for (const output of node.outputs) writer.string(2, output);
          writer.string(3, `${node.op}_${index}`);
          writer.string(4, node.op);
          for (const [name, attribute] of Object.entries(node.attributes ?? {})) {
            writer.message(5, (attributeWriter) => writeAttribute(attributeWriter, name, attribute));
          }
          if (node.domain !== undefined) writer.string(7, node.domain);
        });
      });
      body.string(2, graph.name);
      for (const initializer of graph.initializers) body.message(5, (writer) => writeTensor(writer, initializer));
      for (const input of graph.inputs) body.message(11, (writer) => writeValueInfo(writer, input));
      for (const output of graph.outputs) body.message(12, (writer) => writeValueInfo(writer, output));
    });
  for (const [domain, version] of Object.entries(graph.opsets)) {
    model.message(8, (opset) => opset.string(1, domain).integer(2, version));
  }
  return model.finish();
}
