// What the Generate drawer's parts call the methods and chains.
import type { CamMethodName, RefinePresetName } from '../../../../src/contract/generation.ts';

export const METHOD_LABEL: Record<CamMethodName, string> = {
  rcam: 'Relevance-CAM',
  gradcam: 'Grad-CAM',
  gradcampp: 'Grad-CAM++',
  layercam: 'Layer-CAM',
  scorecam: 'Score-CAM',
  clrp: 'CLRP',
};

export const REFINE_LABEL: Record<RefinePresetName, string> = { none: 'None', fast: 'Fast', best: 'Best' };

export function eta(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  if (sec < 60) return `${Math.max(1, Math.round(sec))} s`;
  const m = Math.floor(sec / 60);
  if (m < 60) return `${m} min ${Math.round(sec % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
