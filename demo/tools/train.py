#!/usr/bin/env python3
"""Trains the demo's multi-label classifier on fresh composite scenes and exports it.

Dev-only tool (users and CI never run it). Needs Debian's python3-torch + python3-numpy and
Node (the scenes come from the TypeScript generator through demo/tools/stream-scenes.ts, so
training, the demo and the benchmark share one generator).

    /usr/bin/python3 demo/tools/train.py --minutes 30            # train + evaluate + export
    /usr/bin/python3 demo/tools/train.py --export-only CKPT      # re-export a checkpoint

Writes demo/model/{classifier.onnx, classes.txt, preprocess.json, expected-logits.json,
metrics.json}. The TF.js layers copy is written from the ONNX file by demo/tools/write-tfjs.ts.
"""
import argparse
import json
import math
import os
import queue
import subprocess
import sys
import threading
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
MODEL_DIR = os.path.join(ROOT, 'demo', 'model')
CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
           'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
NC = len(CLASSES)
SIZE = 128
# Scenes the demo and the expected logits use (demo/scenes/presets.ts DEMO_SCENES).
DEMO_SEED, DEMO_TIER = 2017, 'mixed'
# Held-out evaluation scenes: t10k items (demo/scenes/presets.ts HELD_OUT_SEED).
EVAL_SEED = 90210


# ---------------------------------------------------------------------------- model
class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock, same attribute names."""
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    """torchvision.models.resnet.ResNet layout and names, narrow widths.

    At 128 px: conv1+maxpool → 32×32 (stride 4), layer1 32×32, layer2 16×16 (stride 8),
    layer3 8×8, layer4 4×4, then global average pool and fc (logits; sigmoid is applied
    outside the graph, see preprocess.json)."""

    def __init__(self, layers=(2, 2, 2, 2), widths=(16, 32, 64, 128), num_classes=NC):
        super().__init__()
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(widths[0], layers[0], 1)
        self.layer2 = self._make_layer(widths[1], layers[1], 2)
        self.layer3 = self._make_layer(widths[2], layers[2], 2)
        self.layer4 = self._make_layer(widths[3], layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
        # zero-init the last BN of each block (torchvision's zero_init_residual) would make
        # BN scales 0, and the engine's exactness relies on positive scales: keep ones.

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes))
        mods = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        mods += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*mods)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


# ---------------------------------------------------------------------------- scenes
RECORD = SIZE * SIZE * 4 + NC + 1


def stream_scenes(split, tier, seed, start, count):
    """Yields (rgb uint8 [S,S,3], label map uint8 [S,S], tags float [NC], tier int)."""
    cmd = ['npx', 'tsx', os.path.join(ROOT, 'demo', 'tools', 'stream-scenes.ts'),
           '--split', split, '--tier', tier, '--seed', str(seed), '--start', str(start),
           '--count', str(count), '--size', str(SIZE)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE)
    try:
        for _ in range(count):
            buf = proc.stdout.read(RECORD)
            if len(buf) != RECORD:
                raise RuntimeError('stream-scenes ended early: %s' % ' '.join(cmd))
            a = np.frombuffer(buf, np.uint8)
            rgb = a[:SIZE * SIZE * 3].reshape(SIZE, SIZE, 3)
            lm = a[SIZE * SIZE * 3:SIZE * SIZE * 4].reshape(SIZE, SIZE)
            yield rgb, lm, a[SIZE * SIZE * 4:SIZE * SIZE * 4 + NC].astype(np.float32), int(a[-1])
    finally:
        proc.stdout.close()
        proc.wait()


def load_scenes(split, tier, seed, start, count):
    xs, tags, tiers = [], [], []
    for rgb, _, t, tr in stream_scenes(split, tier, seed, start, count):
        xs.append(rgb)
        tags.append(t)
        tiers.append(tr)
    return np.stack(xs), np.stack(tags), np.array(tiers)


def to_input(rgb_batch, mean, std):
    x = torch.from_numpy(np.ascontiguousarray(rgb_batch)).permute(0, 3, 1, 2).float() * (1.0 / 255.0)
    return (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


class Prefetcher:
    """Streams fresh training scenes in a background thread (node renders while torch trains)."""

    def __init__(self, seed, batch, chunk=4096):
        self.q = queue.Queue(maxsize=8)
        self.batch, self.chunk, self.seed = batch, chunk, seed
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        start = 0
        while not self.stop:
            xs, ts = [], []
            for rgb, _, t, _ in stream_scenes('train', 'mixed', self.seed, start, self.chunk):
                xs.append(rgb)
                ts.append(t)
                if len(xs) == self.batch:
                    self.q.put((np.stack(xs), np.stack(ts)))
                    xs, ts = [], []
                if self.stop:
                    return
            start += self.chunk

    def get(self):
        return self.q.get()


# ---------------------------------------------------------------------------- metrics
def average_precision(scores, labels):
    """Area under the precision-recall curve, VOC/sklearn style (mean precision at each positive)."""
    order = np.argsort(-scores, kind='stable')
    y = labels[order]
    npos = y.sum()
    if npos == 0:
        return float('nan')
    tp = np.cumsum(y)
    precision = tp / np.arange(1, len(y) + 1)
    return float((precision * y).sum() / npos)


def evaluate(model, mean, std, tier, count):
    x, tags, _ = load_scenes('test', tier, EVAL_SEED, 0, count)
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), 128):
            outs.append(model(to_input(x[i:i + 128], mean, std)))
    scores = torch.cat(outs).numpy()
    aps = [average_precision(scores[:, c], tags[:, c]) for c in range(NC)]
    exact = float(((scores > 0) == (tags > 0.5)).all(axis=1).mean())
    return {'tier': tier, 'scenes': count, 'mAP': float(np.nanmean(aps)),
            'AP': {CLASSES[c]: aps[c] for c in range(NC)}, 'exact_match@0.5': exact}


# ---------------------------------------------------------------------------- export
def export(model, mean, std):
    os.makedirs(MODEL_DIR, exist_ok=True)
    model.eval()
    dummy = torch.zeros(1, 3, SIZE, SIZE)
    onnx_path = os.path.join(MODEL_DIR, 'classifier.onnx')
    # PRESERVE on an eval-mode model keeps BatchNormalization nodes (inference form) instead
    # of folding them into the convs as the default EVAL export does: the file then looks
    # like a plain torchvision export with BN, and both importer paths stay exercised.
    torch.onnx.export(model, dummy, onnx_path, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
                      input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    with open(os.path.join(MODEL_DIR, 'classes.txt'), 'w') as f:
        f.write('\n'.join(CLASSES) + '\n')
    with open(os.path.join(MODEL_DIR, 'preprocess.json'), 'w') as f:
        json.dump({'size': [SIZE, SIZE], 'channels': 'RGB', 'scale': 1 / 255, 'mean': mean, 'std': std,
                   'resize': 'bilinear', 'output': 'sigmoid'}, f, indent=2)
        f.write('\n')
    # Expected logits on the first demo scenes, from the generator's exact RGB (not the
    # JPEG), so a test can regenerate them and check the committed ONNX file bit-for-bit-ish.
    import hashlib
    scenes = []
    with torch.no_grad():
        for i, (rgb, _, t, tr) in enumerate(stream_scenes('test', DEMO_TIER, DEMO_SEED, 0, 8)):
            logits = model(to_input(rgb[None], mean, std))[0].tolist()
            scenes.append({'index': i, 'tier': 'flat' if tr == 0 else 'textured',
                           'rgbSha256': hashlib.sha256(rgb.tobytes()).hexdigest(),
                           'tags': [c for c in range(NC) if t[c] > 0.5], 'logits': logits})
    with open(os.path.join(MODEL_DIR, 'expected-logits.json'), 'w') as f:
        json.dump({'generator': {'split': 'test', 'tier': DEMO_TIER, 'seed': DEMO_SEED, 'size': SIZE},
                   'scenes': scenes}, f, indent=1)
        f.write('\n')
    print('exported', onnx_path, os.path.getsize(onnx_path), 'bytes', flush=True)


def compute_stats(n=1024):
    x, _, _ = load_scenes('train', 'mixed', 4242, 0, n)
    x = x.reshape(-1, 3).astype(np.float64) / 255
    return [round(float(v), 4) for v in x.mean(0)], [round(float(v), 4) for v in x.std(0)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--eval-scenes', type=int, default=1000)
    ap.add_argument('--ckpt', default='/tmp/demo-classifier.pt')
    ap.add_argument('--export-only', metavar='CKPT')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = ResNet()

    if args.export_only:
        state = torch.load(args.export_only)
        model.load_state_dict(state['model'])
        mean, std = state['mean'], state['std']
    else:
        mean, std = compute_stats()
        print('mean', mean, 'std', std, 'params', sum(p.numel() for p in model.parameters()), flush=True)
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
        feed = Prefetcher(args.seed, args.batch)
        budget = args.minutes * 60
        t0 = time.time()
        step, seen, ema = 0, 0, None
        model.train()
        while True:
            frac = (time.time() - t0) / budget
            if frac >= 1:
                break
            # time-based schedule: 3% warm-up, then cosine to zero at the budget's end
            lr = args.lr * (frac / 0.03 if frac < 0.03 else 0.5 * (1 + math.cos(math.pi * (frac - 0.03) / 0.97)))
            for g in opt.param_groups:
                g['lr'] = lr
            xb, tb = feed.get()
            loss = F.binary_cross_entropy_with_logits(model(to_input(xb, mean, std)), torch.from_numpy(tb))
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            seen += len(xb)
            ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
            if step % 50 == 0:
                print('step %d scenes %d loss %.4f lr %.2e %.1f min' % (step, seen, ema, lr, (time.time() - t0) / 60), flush=True)
            if step % 500 == 0:
                torch.save({'model': model.state_dict(), 'mean': mean, 'std': std}, args.ckpt)
        feed.stop = True
        torch.save({'model': model.state_dict(), 'mean': mean, 'std': std, 'scenes': seen, 'steps': step}, args.ckpt)
        print('trained: %d steps, %d fresh scenes, %.1f min' % (step, seen, (time.time() - t0) / 60), flush=True)

    model.eval()
    metrics = [evaluate(model, mean, std, t, args.eval_scenes) for t in ('textured', 'flat')]
    for m in metrics:
        print('%s (%d t10k scenes): mAP %.4f exact-match %.3f' % (m['tier'], m['scenes'], m['mAP'], m['exact_match@0.5']))
        print('  ' + ', '.join('%s %.3f' % (k, v) for k, v in m['AP'].items()), flush=True)
    export(model, mean, std)
    with open(os.path.join(MODEL_DIR, 'metrics.json'), 'w') as f:
        json.dump({'eval_seed': EVAL_SEED, 'results': metrics}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
