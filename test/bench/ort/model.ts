// The ort benchmark's network: torchvision-layout ResNet-50 at 224×224, 1000 classes,
// seeded random weights (the same in every worker and in the PyTorch comparison).
import type { Graph } from '../../../src/engine/ir.ts';
import { resnet } from '../../helpers/models.ts';

export const BENCH_SIZE = 224;

export function benchGraph(): Graph {
  return resnet(50, { width: 64, size: BENCH_SIZE, classes: 1000, seed: 50 });
}
