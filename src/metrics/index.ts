// Segmentation and localisation metrics (the quality benchmark's; see each file's header).
export { ConfusionMatrix, IGNORE_LABEL, meanDefined } from './confusion.ts';
export { ThresholdSweep, argmaxMaps, tauRange } from './threshold-sweep.ts';
export { binarise, binariseOfMax, binariseTop, binaryIou, regionOf, MeanAccumulator, type LocalisationReading } from './localisation.ts';
export { averagePrecision } from './average-precision.ts';
