#!/usr/bin/env python3
"""Relevance-CAM on a ResNet-50 in plain PyTorch, written from ../../../shared/rcam-spec.md
(sections 2-5) for the onnxruntime benchmark (test/bench/ort.bench.ts): the same weights as
the TypeScript run (read from the .bin/.json the bench writes), eval-mode BN, one image.

Protocol (one command per stdin line, one JSON line back, so the bench can alternate runs
with its own executors): `rcam` -> {"ms": t}; `forward` -> {"ms": t}; `map` -> {"map": [...]};
`calibrate` -> {"impl": ..., "ms": {...}}; `quit`.

The transposed convolution of the z+ rule has two PyTorch spellings: F.conv_transpose2d and
the convolution's input gradient (torch.nn.grad.conv2d_input, what autograd.grad runs in the
official code). Which is faster depends on the thread count (measured with PyTorch 1.13 on a
2-core CPU: conv_transpose2d is the faster at 1 thread, but 2-7x slower than the gradient at 2
threads), so `calibrate` times both and keeps the faster: the baseline is PyTorch at its best. The first line printed is {"ready": true, "threads": n, "torch": version}.
Usage: rcam_resnet50.py PREFIX [THREADS]
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def load(prefix):
    meta = json.load(open(prefix + '.json'))
    raw = np.fromfile(prefix + '.bin', dtype='<f4')
    def get(entry):
        n = int(np.prod(entry['shape'])) if entry['shape'] else 1
        return torch.from_numpy(raw[entry['offset']:entry['offset'] + n].reshape(entry['shape']).copy())
    params = {e['name']: get(e) for e in meta['params']}
    return meta, params, get(meta['input'])


def safe_div(a, b):
    # spec section 1: a/b where b != 0, exactly 0 where b == 0
    return torch.where(b == 0, torch.zeros((), dtype=a.dtype), a / torch.where(b == 0, torch.ones((), dtype=b.dtype), b))


class Net:
    """torchvision ResNet-50 layout; convs as (weight OIHW, stride, pad), BN as (scale, shift)."""

    def __init__(self, p, blocks=(3, 4, 6, 3)):
        self.p = p
        self.blocks = blocks
        self.pos = {}
        self.impl = 'conv_transpose2d'

    def w(self, name):
        # engine layout [kh, kw, in, out] -> torch [out, in, kh, kw]
        return self.p[name + '.weight'].permute(3, 2, 0, 1).contiguous()

    def prepare(self):
        self.conv = {}
        self.bn = {}
        for k in list(self.p):
            if k.endswith('.running_mean'):
                n = k[: -len('.running_mean')]
                s = self.p[n + '.weight'] / torch.sqrt(self.p[n + '.running_var'] + 1e-5)
                self.bn[n] = (s.view(1, -1, 1, 1), (self.p[n + '.bias'] - self.p[n + '.running_mean'] * s).view(1, -1, 1, 1))
        for k in list(self.p):
            n = k[: -len('.weight')]
            if k.endswith('.weight') and n not in self.bn and self.p[k].dim() == 4:
                self.conv[n] = self.w(n)
                self.pos[n] = self.conv[n].clamp(min=0)  # W+ precomputed once (spec section 11)
        self.fc_w = self.p['fc.weight'].t().contiguous()  # [out, in]
        self.fc_b = self.p['fc.bias']
        self.fc_pos = self.fc_w.clamp(min=0)

    def bn_(self, name, x):
        s, b = self.bn[name]
        return x * s + b

    def forward(self, x, keep_from=None):
        """returns logits, A (output of keep_from), stored tensors of later blocks"""
        x = F.relu(self.bn_('bn1', F.conv2d(x, self.conv['conv1'], stride=2, padding=3)))
        x = F.max_pool2d(x, 3, 2, 1)
        stored = []
        A = None
        for g, n in enumerate(self.blocks):
            for k in range(n):
                pre = f'layer{g + 1}.{k}'
                stride = 2 if k == 0 and g > 0 else 1
                a1 = F.relu(self.bn_(pre + '.bn1', F.conv2d(x, self.conv[pre + '.conv1'])))
                a2 = F.relu(self.bn_(pre + '.bn2', F.conv2d(a1, self.conv[pre + '.conv2'], stride=stride, padding=1)))
                main = self.bn_(pre + '.bn3', F.conv2d(a2, self.conv[pre + '.conv3']))
                ds = pre + '.downsample.0' in self.conv
                short = self.bn_(pre + '.downsample.1', F.conv2d(x, self.conv[pre + '.downsample.0'], stride=stride)) if ds else x
                if keep_from is not None and g + 1 > keep_from:
                    stored.append((pre, stride, ds, x, a1, a2, main, short))
                x = F.relu(main + short)
            if keep_from == g + 1:
                A = x
        pooled = x.mean((2, 3))
        return pooled @ self.fc_w.t() + self.fc_b, A, stored, x, pooled

    def zplus(self, name, x, r, stride, pad):
        # alpha1-beta0 on a ReLU output (x >= 0): R_in = x * convT(R / conv(x, W+), W+)
        wp = self.pos[name]
        z = F.conv2d(x, wp, stride=stride, padding=pad)
        s = safe_div(r, z)
        k = wp.shape[-1]
        if self.impl == 'conv2d_input':
            return x * torch.nn.grad.conv2d_input(x.shape, wp, s, stride=stride, padding=pad)
        op = x.shape[-1] - ((z.shape[-1] - 1) * stride - 2 * pad + k)
        return x * F.conv_transpose2d(s, wp, stride=stride, padding=pad, output_padding=op)

    def rcam(self, img, layer=2, target=None):
        logits, A, stored, x4, pooled = self.forward(img, keep_from=layer)
        t = int(logits.argmax()) if target is None else target
        r = torch.full_like(logits, -1.0 / logits.shape[1])  # CLRP start (spec section 4)
        r[0, t] = 1.0
        z = pooled @ self.fc_pos.t()  # fc z+, bias ignored (section 3.2)
        R = pooled * (safe_div(r, z) @ self.fc_pos)
        R = x4 * safe_div(R.view(1, -1, 1, 1), x4.sum((2, 3), keepdim=True))  # GAP (3.5)
        for pre, stride, ds, x, a1, a2, main, short in reversed(stored):
            s = safe_div(R, main + short)  # signed residual split (3.7)
            rm, rs = main * s, short * s
            if ds:
                rs = self.zplus(pre + '.downsample.0', x, rs, stride, 0)
            R = self.zplus(pre + '.conv3', a2, rm, 1, 0)
            R = self.zplus(pre + '.conv2', a1, R, stride, 1)
            R = self.zplus(pre + '.conv1', x, R, 1, 0)
            R = R + rs  # fan-out (3.8)
        w = R.mean((2, 3), keepdim=True)  # section 5: spatial mean, sign kept
        return (w * A).sum(1)[0]  # no ReLU


def main():
    prefix = sys.argv[1]
    # intra-op threads (argv[2]): the bench compares like with like — 1 thread against
    # onnxruntime's 1-thread session, 2 against its 2-thread one
    if len(sys.argv) > 2:
        torch.set_num_threads(int(sys.argv[2]))
    meta, params, img = load(prefix)
    layer = int(meta.get('layer', 2))
    net = Net(params)
    net.prepare()
    img = img.view(meta['input']['shape']).permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    print(json.dumps({'ready': True, 'threads': torch.get_num_threads(), 'torch': torch.__version__}), flush=True)
    with torch.no_grad():
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == 'quit':
                break
            t0 = time.perf_counter()
            if cmd == 'rcam':
                net.rcam(img, layer)
                print(json.dumps({'ms': (time.perf_counter() - t0) * 1000}), flush=True)
            elif cmd == 'forward':
                net.forward(img)
                print(json.dumps({'ms': (time.perf_counter() - t0) * 1000}), flush=True)
            elif cmd == 'calibrate':
                ms = {}
                for impl in ('conv_transpose2d', 'conv2d_input'):
                    net.impl = impl
                    net.rcam(img, layer)
                    ts = []
                    for _ in range(3):
                        t = time.perf_counter()
                        net.rcam(img, layer)
                        ts.append((time.perf_counter() - t) * 1000)
                    ms[impl] = sorted(ts)[1]
                net.impl = min(ms, key=ms.get)
                print(json.dumps({'impl': net.impl, 'ms': ms}), flush=True)
            elif cmd == 'map':
                m = net.rcam(img, layer)
                print(json.dumps({'map': m.flatten().tolist()}), flush=True)
            else:
                print(json.dumps({'error': f'unknown command {cmd!r}'}), flush=True)


if __name__ == '__main__':
    main()
