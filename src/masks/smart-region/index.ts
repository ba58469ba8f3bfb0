// The smart-region tool's kernel: one click → the region around it that belongs with it
// (smart-region.ts), by one of four solvers over one shared click problem (problem.ts).
export { SmartRegionImage, applyRegion, SMART_METHODS, type SmartMethod, type SmartRegionSettings, type SmartCam, type SmartClick, type SmartRegionResult } from './smart-region.ts';
export { DEFAULT_SMART_REGION, smartRegionSettings } from './settings.ts';
