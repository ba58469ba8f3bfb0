// Miniatures of the torchvision classifiers beyond ResNet, built in code with torchvision's
// module names (so the ONNX writer gives torch-like node names): a ResNeXt grouped-conv
// bottleneck, MobileNetV2/V3 inverted residuals (depthwise + ReLU6 / HardSwish + SE),
// EfficientNet's SiLU + sigmoid SE, a DenseNet dense block + transition, a ShuffleNetV2
// unit (split, branch, concat, channel shuffle) and a ConvNeXt block (depthwise 7×7,
// LayerNorm, pointwise MLP with GELU, layer scale). Every net has stride-4/8/16 stages so
// `layer1..layer3` exist, seeded random weights and BN with random statistics.
import type { Graph } from '../../src/engine/ir.ts';
import { GraphBuilder } from './models.ts';

export const MINI_SIZE = 32;

interface MiniOptions {
  seed?: number;
  classes?: number;
  /** 0 for a BN-fold-exact model (see GraphBuilder) */
  negativeGammas?: number;
}

function head(b: GraphBuilder, x: string, c: number, classes: number): string {
  return b.dense('classifier', b.flatten('flatten', b.gap('avgpool', x, true)), c, classes);
}

function convBnAct(b: GraphBuilder, pre: string, x: string, cin: number, cout: number, k: number, stride: number, act: 'relu' | 'relu6' | 'hardswish' | 'silu' | null, groups = 1): string {
  const c = groups > 1 ? b.groupConv(`${pre}.0`, x, cin, cout, k, groups, stride, (k - 1) / 2) : b.conv(`${pre}.0`, x, cin, cout, k, stride, (k - 1) / 2);
  const n = b.bn(`${pre}.1`, c, cout);
  if (act === null) return n;
  if (act === 'relu') return b.unary('relu', `${pre}.2`, n);
  if (act === 'relu6') return b.act('clip', `${pre}.2`, n, 0, 6);
  return b.act(act, `${pre}.2`, n);
}

/** squeeze-excitation: GAP → 1×1 conv → ReLU → 1×1 conv → gate → x ⊙ gate */
function squeezeExcite(b: GraphBuilder, pre: string, x: string, c: number, squeeze: number, gate: 'hardsigmoid' | 'sigmoid'): string {
  const s = b.gap(`${pre}.avgpool`, x, true);
  const f1 = b.unary('relu', `${pre}.relu`, b.conv(`${pre}.fc1`, s, c, squeeze, 1, 1, 0, true));
  const f2 = b.conv(`${pre}.fc2`, f1, squeeze, c, 1, 1, 0, true);
  const g = gate === 'sigmoid' ? b.unary('sigmoid', `${pre}.scale_activation`, f2) : b.act('hardsigmoid', `${pre}.scale_activation`, f2, 1 / 6, 0.5);
  return b.mul(`${pre}.mul`, x, g);
}

/** ResNeXt: stem, then one grouped bottleneck (groups 4) per stage, strides 2 */
export function resnextMini(opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? 31, negativeGammas: opts.negativeGammas });
  let x = b.unary('relu', 'relu', b.bn('bn1', b.conv('conv1', 'input', 3, 8, 3, 2, 1), 8));
  let cin = 8;
  for (let g = 1; g <= 3; g++) {
    const pre = `layer${g}.0`;
    const width = 8 * g;
    const cout = 16 * g;
    const stride = 2;
    let m = b.unary('relu', `${pre}.relu`, b.bn(`${pre}.bn1`, b.conv(`${pre}.conv1`, x, cin, width, 1), width));
    m = b.unary('relu', `${pre}.relu_1`, b.bn(`${pre}.bn2`, b.groupConv(`${pre}.conv2`, m, width, width, 3, 4, stride, 1), width));
    m = b.bn(`${pre}.bn3`, b.conv(`${pre}.conv3`, m, width, cout, 1), cout);
    const short = b.bn(`${pre}.downsample.1`, b.conv(`${pre}.downsample.0`, x, cin, cout, 1, stride), cout);
    x = b.unary('relu', `${pre}.relu_2`, b.add(`${pre}.add`, m, short));
    cin = cout;
  }
  return b.graph('input', head(b, x, cin, opts.classes ?? 6), [MINI_SIZE, MINI_SIZE, 3]);
}

/**
 * MobileNetV2 / V3: stem conv s2, inverted residuals `features.N` (expand 1×1, depthwise
 * 3×3, SE in V3, project 1×1, residual add when the shape is kept).
 */
export function mobilenetMini(version: 2 | 3, opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? (version === 2 ? 41 : 43), negativeGammas: opts.negativeGammas });
  const act = version === 2 ? 'relu6' : 'hardswish';
  let x = convBnAct(b, 'features.0', 'input', 3, 8, 3, 2, act);
  let cin = 8;
  // [expand, out, stride]
  const cfg: [number, number, number][] = [[2, 8, 1], [3, 12, 2], [3, 12, 1], [3, 16, 2], [3, 16, 1]];
  cfg.forEach(([t, cout, stride], i) => {
    const pre = `features.${i + 1}.conv`;
    const hidden = cin * t;
    let m = convBnAct(b, `${pre}.0`, x, cin, hidden, 1, 1, act);
    m = convBnAct(b, `${pre}.1`, m, hidden, hidden, 3, stride, act, hidden);
    if (version === 3) m = squeezeExcite(b, `${pre}.2`, m, hidden, Math.max(2, hidden / 4), 'hardsigmoid');
    m = b.bn(`${pre}.4`, b.conv(`${pre}.3`, m, hidden, cout, 1), cout);
    x = stride === 1 && cin === cout ? b.add(`features.${i + 1}.add`, x, m) : m;
    cin = cout;
  });
  x = convBnAct(b, `features.${cfg.length + 1}`, x, cin, 24, 1, 1, act);
  return b.graph('input', head(b, x, 24, opts.classes ?? 6), [MINI_SIZE, MINI_SIZE, 3]);
}

/** EfficientNet MBConv: SiLU everywhere, SE with SiLU squeeze activation and sigmoid gate */
export function efficientnetMini(opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? 47, negativeGammas: opts.negativeGammas });
  let x = convBnAct(b, 'features.0', 'input', 3, 8, 3, 2, 'silu');
  let cin = 8;
  const cfg: [number, number, number][] = [[4, 8, 1], [4, 12, 2], [4, 16, 2], [4, 16, 1]];
  cfg.forEach(([t, cout, stride], i) => {
    const pre = `features.${i + 1}.0.block`;
    const hidden = cin * t;
    let m = convBnAct(b, `${pre}.0`, x, cin, hidden, 1, 1, 'silu');
    m = convBnAct(b, `${pre}.1`, m, hidden, hidden, 3, stride, 'silu', hidden);
    m = squeezeExcite(b, `${pre}.2`, m, hidden, Math.max(2, cin / 4), 'sigmoid');
    m = b.bn(`${pre}.3.1`, b.conv(`${pre}.3.0`, m, hidden, cout, 1), cout);
    x = stride === 1 && cin === cout ? b.add(`features.${i + 1}.0.add`, x, m) : m;
    cin = cout;
  });
  return b.graph('input', head(b, x, cin, opts.classes ?? 6), [MINI_SIZE, MINI_SIZE, 3]);
}

/** DenseNet: stem + pool, dense blocks (BN-ReLU-conv1×1-BN-ReLU-conv3×3, concat), transitions (BN-ReLU-conv-avgpool) */
export function densenetMini(opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? 53, negativeGammas: opts.negativeGammas });
  let x = b.unary('relu', 'features.relu0', b.bn('features.norm0', b.conv('features.conv0', 'input', 3, 8, 3, 2, 1), 8));
  x = b.maxpool('features.pool0', x, 3, 2, 1);
  let c = 8;
  const growth = 4;
  for (let blk = 1; blk <= 2; blk++) {
    for (let l = 1; l <= 2; l++) {
      const pre = `features.denseblock${blk}.denselayer${l}`;
      let m = b.conv(`${pre}.conv1`, b.unary('relu', `${pre}.relu1`, b.bn(`${pre}.norm1`, x, c)), c, 2 * growth, 1);
      m = b.conv(`${pre}.conv2`, b.unary('relu', `${pre}.relu2`, b.bn(`${pre}.norm2`, m, 2 * growth)), 2 * growth, growth, 3, 1, 1);
      x = b.concat(`${pre}.cat`, [x, m]);
      c += growth;
    }
    const pre = `features.transition${blk}`;
    const t = b.conv(`${pre}.conv`, b.unary('relu', `${pre}.relu`, b.bn(`${pre}.norm`, x, c)), c, c / 2, 1);
    x = b.avgpool(`${pre}.pool`, t, 2, 2, 0);
    c /= 2;
  }
  x = b.unary('relu', 'relu', b.bn('features.norm5', x, c));
  return b.graph('input', head(b, x, c, opts.classes ?? 6), [MINI_SIZE, MINI_SIZE, 3]);
}

/** ShuffleNetV2: stride-2 units (two branches) and stride-1 units (channel split), each ending in a channel shuffle */
export function shufflenetMini(opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? 59, negativeGammas: opts.negativeGammas });
  let x = convBnAct(b, 'conv1', 'input', 3, 8, 3, 2, 'relu');
  let c = 8;
  for (let s = 2; s <= 3; s++) {
    const out = 8 * s;
    const half = out / 2;
    let pre = `stage${s}.0`;
    // stride-2 unit: both branches see the whole input
    const b1 = convBnAct(b, `${pre}.branch1.2`, b.bn(`${pre}.branch1.1`, b.groupConv(`${pre}.branch1.0`, x, c, c, 3, c, 2, 1), c), c, half, 1, 1, 'relu');
    let b2 = convBnAct(b, `${pre}.branch2.0`, x, c, half, 1, 1, 'relu');
    b2 = b.bn(`${pre}.branch2.4`, b.groupConv(`${pre}.branch2.3`, b2, half, half, 3, half, 2, 1), half);
    b2 = convBnAct(b, `${pre}.branch2.5`, b2, half, half, 1, 1, 'relu');
    x = b.shuffle(`${pre}.shuffle`, b.concat(`${pre}.cat`, [b1, b2]), out, 2);
    c = out;
    // stride-1 unit: x1 passes, x2 goes through the branch
    pre = `stage${s}.1`;
    const x1 = b.slice(`${pre}.chunk`, x, 0, half);
    let y = convBnAct(b, `${pre}.branch2.0`, b.slice(`${pre}.chunk_1`, x, half, half), half, half, 1, 1, 'relu');
    y = b.bn(`${pre}.branch2.4`, b.groupConv(`${pre}.branch2.3`, y, half, half, 3, half, 1, 1), half);
    y = convBnAct(b, `${pre}.branch2.5`, y, half, half, 1, 1, 'relu');
    x = b.shuffle(`${pre}.shuffle`, b.concat(`${pre}.cat`, [x1, y]), out, 2);
  }
  x = convBnAct(b, 'conv5', x, c, 32, 1, 1, 'relu');
  return b.graph('input', head(b, x, 32, opts.classes ?? 6), [MINI_SIZE, MINI_SIZE, 3]);
}

/**
 * ConvNeXt: patchify stem (4×4/4 conv + LayerNorm), blocks (depthwise 7×7, LayerNorm over
 * channels, pointwise 1×1 MLP ×4 with GELU, layer scale, residual add), downsampling
 * (LayerNorm + 2×2/2 conv). The pointwise Linear layers are 1×1 convs here; the ONNX writer
 * writes them as torch does (Transpose to NHWC, MatMul, Add, Transpose back).
 */
export function convnextMini(opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? 61, negativeGammas: opts.negativeGammas });
  let c = 8;
  let x = b.layernorm('features.0.1', b.conv('features.0.0', 'input', 3, c, 4, 4, 0, true), c);
  const block = (pre: string) => {
    let m = b.groupConv(`${pre}.block.0`, x, c, c, 7, c, 1, 3, true);
    m = b.layernorm(`${pre}.block.2`, m, c);
    m = b.conv(`${pre}.block.3`, m, c, 4 * c, 1, 1, 0, true);
    m = b.act('gelu', `${pre}.block.4`, m);
    m = b.conv(`${pre}.block.5`, m, 4 * c, c, 1, 1, 0, true);
    m = b.affine(`${pre}.layer_scale`, m, c, true, false);
    x = b.add(`${pre}.add`, m, x);
  };
  block('features.1.0');
  x = b.layernorm('features.2.0', x, c);
  x = b.conv('features.2.1', x, c, 2 * c, 2, 2, 0, true);
  c *= 2;
  block('features.3.0');
  x = b.layernorm('features.4.0', x, c);
  x = b.conv('features.4.1', x, c, 2 * c, 2, 2, 0, true);
  c *= 2;
  block('features.5.0');
  x = b.layernorm('classifier.0', b.gap('avgpool', x, true), c);
  const out = b.dense('classifier.2', b.flatten('classifier.1', x), c, opts.classes ?? 6);
  return b.graph('input', out, [MINI_SIZE, MINI_SIZE, 3]);
}

/**
 * A Keras-applications-style MobileNetV2 with squeeze-excitation (Keras names: `Conv1`,
 * `block_3_expand`, `block_3_depthwise`, `block_3_add`, …): DepthwiseConv2D, ReLU(max_value=6),
 * swish, an SE of GlobalAveragePooling2D → Reshape((1, 1, C)) → Conv2D → hard_sigmoid →
 * Multiply, and a LayerNormalization before the head.
 */
export function kerasMobilenetMini(opts: MiniOptions = {}): Graph {
  const b = new GraphBuilder({ seed: opts.seed ?? 67, negativeGammas: opts.negativeGammas });
  const cba = (pre: string, x: string, cin: number, cout: number, k: number, stride: number, act: 'relu6' | 'silu', depthwise = false) => {
    const c = depthwise ? b.groupConv(pre, x, cin, cout, k, cin, stride, (k - 1) / 2) : b.conv(pre, x, cin, cout, k, stride, (k - 1) / 2);
    const n = b.bn(`${pre}_BN`, c, cout);
    return act === 'relu6' ? b.act('clip', `${pre}_relu`, n, 0, 6) : b.act('silu', `${pre}_swish`, n);
  };
  let x = cba('Conv1', 'input', 3, 8, 3, 2, 'relu6');
  let cin = 8;
  const cfg: [number, number, number, 'relu6' | 'silu', boolean][] = [[2, 8, 1, 'relu6', false], [3, 12, 2, 'relu6', false], [3, 12, 1, 'silu', true], [3, 16, 2, 'silu', true], [3, 16, 1, 'relu6', false]];
  cfg.forEach(([t, cout, stride, act, se], i) => {
    const pre = `block_${i + 1}`;
    const hidden = cin * t;
    let m = cba(`${pre}_expand`, x, cin, hidden, 1, 1, act);
    m = cba(`${pre}_depthwise`, m, hidden, hidden, 3, stride, act, true);
    if (se) {
      const s = b.reshape(`${pre}_se_reshape`, b.gap(`${pre}_se_squeeze`, m, false), [1, 1, hidden]);
      const r = b.unary('relu', `${pre}_se_reduce_relu`, b.conv(`${pre}_se_reduce`, s, hidden, 4, 1, 1, 0, true));
      const g = b.act('hardsigmoid', `${pre}_se_hsig`, b.conv(`${pre}_se_expand`, r, 4, hidden, 1, 1, 0, true), 0.2, 0.5);
      m = b.mul(`${pre}_se_excite`, m, g);
    }
    m = b.bn(`${pre}_project_BN`, b.conv(`${pre}_project`, m, hidden, cout, 1), cout);
    x = stride === 1 && cin === cout ? b.add(`${pre}_add`, x, m) : m;
    cin = cout;
  });
  x = b.layernorm('top_ln', cba('Conv_1', x, cin, 24, 1, 1, 'relu6'), 24);
  const out = b.dense('predictions', b.gap('global_average_pooling2d', x, false), 24, opts.classes ?? 6);
  return b.graph('input', out, [MINI_SIZE, MINI_SIZE, 3]);
}
