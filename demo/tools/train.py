#!/usr/bin/env python3
"""Trains a multi-label classifier on fresh composite scenes and exports it.

Dev-only tool (users and CI never run it). Needs Debian's python3-torch + python3-numpy and
Node (the scenes come from the TypeScript generator through demo/tools/stream-scenes.ts, so
training, the demo and the benchmark share one generator).

    /usr/bin/python3 demo/tools/train.py --minutes 30            # train + evaluate + export
    /usr/bin/python3 demo/tools/train.py --export-only CKPT      # re-export a checkpoint

With no --arch/--size/--out it trains the demo net (narrow ResNet, 128 px) and writes
demo/model/{classifier.onnx, classes.txt, preprocess.json, expected-logits.json, metrics.json};
the TF.js layers copy is written from the ONNX file by demo/tools/write-tfjs.ts.
`--arch resnet18 --size 224 --out ../shared/models/resnet18-224` trains the benchmark's
torchvision ResNet-18 instead (same files, kept outside the repository; the quality bench and
`npm run test:models` look for it there or in RS_REALISTIC_MODEL, see
test/helpers/realistic-model.ts for the exact command).
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
DEMO_MODEL_DIR = os.path.join(ROOT, 'demo', 'model')
CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
           'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']
NC = len(CLASSES)
DEMO_SIZE = 128
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


def build_model(arch):
    if arch == 'demo':
        return ResNet()
    import torchvision
    # From scratch: no pretrained weights are reachable here, and the bench wants a model
    # whose every weight came from the scene generator's train split.
    return torchvision.models.resnet18(num_classes=NC)


# ---------------------------------------------------------------------------- scenes
def stream_scenes(split, tier, seed, start, count, size):
    """Yields (rgb uint8 [S,S,3], label map uint8 [S,S], tags float [NC], tier int)."""
    record = size * size * 4 + NC + 1
    cmd = ['npx', 'tsx', os.path.join(ROOT, 'demo', 'tools', 'stream-scenes.ts'),
           '--split', split, '--tier', tier, '--seed', str(seed), '--start', str(start),
           '--count', str(count), '--size', str(size)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE)
    try:
        for _ in range(count):
            buf = proc.stdout.read(record)
            if len(buf) != record:
                raise RuntimeError('stream-scenes ended early: %s' % ' '.join(cmd))
            a = np.frombuffer(buf, np.uint8)
            rgb = a[:size * size * 3].reshape(size, size, 3)
            lm = a[size * size * 3:size * size * 4].reshape(size, size)
            yield rgb, lm, a[size * size * 4:size * size * 4 + NC].astype(np.float32), int(a[-1])
    finally:
        proc.stdout.close()
        proc.wait()


def load_scenes(split, tier, seed, start, count, size):
    xs, tags, tiers = [], [], []
    for rgb, _, t, tr in stream_scenes(split, tier, seed, start, count, size):
        xs.append(rgb)
        tags.append(t)
        tiers.append(tr)
    return np.stack(xs), np.stack(tags), np.array(tiers)


def to_input(rgb_batch, mean, std, channels_last=False):
    x = torch.from_numpy(np.ascontiguousarray(rgb_batch)).permute(0, 3, 1, 2).float() * (1.0 / 255.0)
    x = (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


class Prefetcher:
    """Streams fresh training scenes in a background thread (node renders while torch trains)."""

    def __init__(self, seed, batch, size, chunk=4096):
        self.q = queue.Queue(maxsize=8)
        self.batch, self.chunk, self.seed, self.size = batch, chunk, seed, size
        self.stop = False
        threading.Thread(target=self._run, daemon=True).start()

    def close(self):
        """Stops the thread: unblocks its pending put so it sees the flag and ends its node process."""
        self.stop = True
        try:
            while True:
                self.q.get_nowait()
        except queue.Empty:
            pass

    def _run(self):
        start = 0
        while not self.stop:
            xs, ts = [], []
            for rgb, _, t, _ in stream_scenes('train', 'mixed', self.seed, start, self.chunk, self.size):
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


def evaluate(model, mean, std, tier, count, size, channels_last=False):
    x, tags, _ = load_scenes('test', tier, EVAL_SEED, 0, count, size)
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), 128):
            outs.append(model(to_input(x[i:i + 128], mean, std, channels_last)))
    scores = torch.cat(outs).numpy()
    aps = [average_precision(scores[:, c], tags[:, c]) for c in range(NC)]
    exact = float(((scores > 0) == (tags > 0.5)).all(axis=1).mean())
    return {'tier': tier, 'scenes': count, 'mAP': float(np.nanmean(aps)),
            'AP': {CLASSES[c]: aps[c] for c in range(NC)}, 'exact_match@0.5': exact}


# ---------------------------------------------------------------------------- export
def export(model, mean, std, size, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    model.to(memory_format=torch.contiguous_format)
    dummy = torch.zeros(1, 3, size, size)
    onnx_path = os.path.join(out_dir, 'classifier.onnx')
    # PRESERVE on an eval-mode model keeps BatchNormalization nodes (inference form) instead
    # of folding them into the convs as the default EVAL export does: the file then looks
    # like a plain torchvision export with BN, and both importer paths stay exercised.
    torch.onnx.export(model, dummy, onnx_path, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
                      input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    with open(os.path.join(out_dir, 'classes.txt'), 'w') as f:
        f.write('\n'.join(CLASSES) + '\n')
    with open(os.path.join(out_dir, 'preprocess.json'), 'w') as f:
        json.dump({'size': [size, size], 'channels': 'RGB', 'scale': 1 / 255, 'mean': mean, 'std': std,
                   'resize': 'bilinear', 'output': 'sigmoid'}, f, indent=2)
        f.write('\n')
    # Expected logits on the first demo scenes, from the generator's exact RGB (not the
    # JPEG), so a test can regenerate them and check the committed ONNX file bit-for-bit-ish.
    import hashlib
    scenes = []
    with torch.no_grad():
        for i, (rgb, _, t, tr) in enumerate(stream_scenes('test', DEMO_TIER, DEMO_SEED, 0, 8, size)):
            logits = model(to_input(rgb[None], mean, std))[0].tolist()
            scenes.append({'index': i, 'tier': 'flat' if tr == 0 else 'textured',
                           'rgbSha256': hashlib.sha256(rgb.tobytes()).hexdigest(),
                           'tags': [c for c in range(NC) if t[c] > 0.5], 'logits': logits})
    with open(os.path.join(out_dir, 'expected-logits.json'), 'w') as f:
        json.dump({'generator': {'split': 'test', 'tier': DEMO_TIER, 'seed': DEMO_SEED, 'size': size},
                   'scenes': scenes}, f, indent=1)
        f.write('\n')
    print('exported', onnx_path, os.path.getsize(onnx_path), 'bytes', flush=True)


def compute_stats(size, n=1024):
    x, _, _ = load_scenes('train', 'mixed', 4242, 0, n, size)
    x = x.reshape(-1, 3).astype(np.float64) / 255
    return [round(float(v), 4) for v in x.mean(0)], [round(float(v), 4) for v in x.std(0)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', choices=['demo', 'resnet18'], default='demo',
                    help='demo: the narrow 128-px ResNet of demo/model; resnet18: torchvision.models.resnet18')
    ap.add_argument('--size', type=int, default=DEMO_SIZE, help='scene and model input size (px)')
    ap.add_argument('--out', default=DEMO_MODEL_DIR, help='folder the exported files go to')
    ap.add_argument('--minutes', type=float, default=30)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--eval-scenes', type=int, default=1000)
    ap.add_argument('--warm-size', type=int, default=0,
                    help='train on scenes of this size for the first --warm-frac of the budget, then at --size '
                         '(progressive resizing: the generator scales items with the scene, so small scenes '
                         'are the same task at a fraction of the cost); 0 = always --size')
    ap.add_argument('--warm-frac', type=float, default=0.6)
    ap.add_argument('--channels-last', action='store_true', help='NHWC activations (about 2x faster convs on CPU)')
    ap.add_argument('--log-every', type=int, default=50, help='steps between progress lines')
    ap.add_argument('--ckpt', help='checkpoint path (default /tmp/demo-classifier.pt, /tmp/ARCH-SIZE-classifier.pt)')
    ap.add_argument('--export-only', metavar='CKPT')
    args = ap.parse_args()
    out_dir = os.path.abspath(args.out)
    ckpt = args.ckpt or ('/tmp/demo-classifier.pt' if args.arch == 'demo' and args.size == DEMO_SIZE
                         else '/tmp/%s-%d-classifier.pt' % (args.arch, args.size))
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = build_model(args.arch)
    cl = args.channels_last
    if cl:
        model.to(memory_format=torch.channels_last)
    training = None

    if args.export_only:
        state = torch.load(args.export_only)
        model.load_state_dict(state['model'])
        mean, std = state['mean'], state['std']
        training = state.get('training')
    else:
        mean, std = compute_stats(args.size)
        print('mean', mean, 'std', std, 'params', sum(p.numel() for p in model.parameters()), flush=True)
        opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
        phases = ([(args.warm_size, args.warm_frac)] if args.warm_size else []) + [(args.size, 1.0)]
        budget = args.minutes * 60
        t0 = time.time()
        step, seen, ema = 0, 0, None
        per_size = []
        model.train()
        for size, until in phases:
            feed = Prefetcher(args.seed, args.batch, size)
            p0, p_seen = time.time(), 0
            while True:
                frac = (time.time() - t0) / budget
                if frac >= until:
                    break
                # time-based schedule: 3% warm-up, then cosine to zero at the budget's end
                lr = args.lr * (frac / 0.03 if frac < 0.03 else 0.5 * (1 + math.cos(math.pi * (frac - 0.03) / 0.97)))
                for g in opt.param_groups:
                    g['lr'] = lr
                xb, tb = feed.get()
                loss = F.binary_cross_entropy_with_logits(model(to_input(xb, mean, std, cl)), torch.from_numpy(tb))
                opt.zero_grad()
                loss.backward()
                opt.step()
                step += 1
                seen += len(xb)
                p_seen += len(xb)
                ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
                if step % args.log_every == 0:
                    print('step %d scenes %d size %d loss %.4f lr %.2e %.1f min %.1f img/s' % (
                        step, seen, size, ema, lr, (time.time() - t0) / 60, p_seen / (time.time() - p0)), flush=True)
                if step % 500 == 0:
                    torch.save({'model': model.state_dict(), 'mean': mean, 'std': std}, ckpt)
            feed.close()
            per_size.append({'size': size, 'scenes': p_seen, 'minutes': round((time.time() - p0) / 60, 2),
                             'images_per_s': round(p_seen / max(time.time() - p0, 1e-9), 2)})
        training = {'arch': args.arch, 'size': args.size, 'steps': step, 'scenes': seen, 'phases': per_size,
                    'minutes': round((time.time() - t0) / 60, 2), 'batch': args.batch, 'lr': args.lr,
                    'threads': args.threads, 'seed': args.seed}
        torch.save({'model': model.state_dict(), 'mean': mean, 'std': std, 'scenes': seen, 'steps': step,
                    'training': training}, ckpt)
        print('trained: %d steps, %d fresh scenes, %.1f min' % (step, seen, (time.time() - t0) / 60), flush=True)
        print('phases:', json.dumps(per_size), flush=True)

    model.eval()
    t_eval = time.time()
    metrics = [evaluate(model, mean, std, t, args.eval_scenes, args.size, cl) for t in ('textured', 'flat')]
    for m in metrics:
        print('%s (%d t10k scenes): mAP %.4f exact-match %.3f' % (m['tier'], m['scenes'], m['mAP'], m['exact_match@0.5']))
        print('  ' + ', '.join('%s %.3f' % (k, v) for k, v in m['AP'].items()), flush=True)
    print('evaluated in %.1f min' % ((time.time() - t_eval) / 60), flush=True)
    export(model, mean, std, args.size, out_dir)
    with open(os.path.join(out_dir, 'metrics.json'), 'w') as f:
        record = {'eval_seed': EVAL_SEED, 'results': metrics}
        if training and args.arch != 'demo':
            record = {'eval_seed': EVAL_SEED, 'size': args.size, 'training': training, 'results': metrics}
        json.dump(record, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
