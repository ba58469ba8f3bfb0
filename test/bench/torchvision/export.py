#!/usr/bin/env python3
"""Exports torchvision classifiers to ONNX the ways users do, for trying the studio's engine
on real architectures by hand (a developer tool, not a test; CI never runs it).

Needs PyTorch + torchvision: Debian's python3-torch and python3-torchvision (1.13 / 0.14);
run it with /usr/bin/python3. No pretrained weights are downloaded (weights=None: seeded
random weights, eval mode, BatchNorm running statistics randomised so BN is not an identity).

For every model two files are written into OUT_DIR:
  NAME-bn.onnx      torch.onnx.export(..., training=TrainingMode.PRESERVE, opset_version=13)
                    (BatchNorm kept as its own node: the exact Relevance-CAM maps)
  NAME-folded.onnx  the default eval export (BatchNorm folded into the convolutions)
plus classes.txt (NUM_CLASSES lines) and preprocess.json (224 px, ImageNet mean/std) in each
model's folder OUT_DIR/NAME/, which is what `relevance-studio cam` and `model add` read.

Usage: export.py OUT_DIR [NAME ...] [--classes N]   (default: the 12 models below, N = 10)
"""
import json
import os
import sys

import torch
import torchvision

MODELS = [
    'resnet50', 'resnext50_32x4d', 'wide_resnet50_2', 'regnet_y_400mf', 'vgg16_bn',
    'densenet121', 'googlenet', 'mobilenet_v2', 'mobilenet_v3_large', 'efficientnet_b0',
    'shufflenet_v2_x1_0', 'convnext_tiny',
]


def build(name, classes):
    kwargs = {'weights': None, 'num_classes': classes}
    if name == 'googlenet':
        kwargs.update(aux_logits=False, init_weights=True)
    model = getattr(torchvision.models, name)(**kwargs)
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.weight.copy_(torch.rand(m.num_features, generator=g) + 0.5)
                m.bias.copy_(torch.randn(m.num_features, generator=g) * 0.1)
    return model.eval()


def main(argv):
    args = [a for a in argv if not a.startswith('--')]
    classes = 10
    if '--classes' in argv:
        classes = int(argv[argv.index('--classes') + 1])
        args.remove(str(classes))
    if not args:
        print(__doc__)
        return 2
    out, names = args[0], args[1:] or MODELS
    torch.manual_seed(0)
    x = torch.randn(1, 3, 224, 224)
    for name in names:
        model = build(name, classes)
        folder = os.path.join(out, name)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, 'classes.txt'), 'w') as f:
            f.write(''.join(f'class_{k}\n' for k in range(classes)))
        with open(os.path.join(folder, 'preprocess.json'), 'w') as f:
            json.dump({'size': [224, 224], 'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225], 'output': 'softmax'}, f)
        for kind, mode in (('bn', torch.onnx.TrainingMode.PRESERVE), ('folded', torch.onnx.TrainingMode.EVAL)):
            file = os.path.join(folder, f'{name}-{kind}.onnx')
            torch.onnx.export(model, x, file, opset_version=13, training=mode,
                              input_names=['input'], output_names=['logits'],
                              dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
            print(f'{file}: {os.path.getsize(file) / 2**20:.1f} MB', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
