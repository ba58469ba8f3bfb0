// The refinement stage's public face (see refine.ts for the order of the steps).
export * from './settings.ts';
export * from './presets.ts';
export { refineMaps, workSize, downsampleRgb, type RefineInput, type RefineResult, type StepRecord } from './refine.ts';
export { refinedLabels, refinedMaps, type RefinedLabels, type RefinedMaps } from './labels.ts';
export { resolveRefine, type RefineChoice } from './choice.ts';
export { gateMaps } from './gate.ts';
export { autoBackground, autoBackgroundSettings, otsuThreshold, DEFAULT_AUTO_BACKGROUND, AUTO_BG_RANGE, type AutoBackground } from './calibrate.ts';
export { parAffinity, parPropagate, type Affinity } from './par.ts';
