// The Help › About box: versions, the engine backend, credits. No Electron import.
import type { AboutInfo } from '../src/contract/desktop.ts';

export const CREDITS: readonly string[] = [
  'Relevance-CAM: J. R. Lee, S. Kim, I. Park, T. Eo, D. Hwang, "Relevance-CAM: Your Model Already Knows Where to Look", CVPR 2021',
  'TensorFlow.js and onnxruntime (inference), better-sqlite3 (project store), sharp / libvips (images)',
  'Electron, Svelte, Vite',
];

export function aboutInfo(appVersion: string, versions: Partial<Record<string, string | undefined>>, platform: string, backend: string | null): AboutInfo {
  return {
    app: 'Relevance Studio',
    version: appVersion,
    electron: versions.electron ?? 'n/a',
    chrome: versions.chrome ?? 'n/a',
    node: versions.node ?? 'n/a',
    v8: versions.v8 ?? 'n/a',
    platform,
    backend: backend ?? 'not started (starts with the first generation job)',
    credits: [...CREDITS],
  };
}

export function aboutText(a: AboutInfo): string {
  return [
    `Version ${a.version}`,
    `Electron ${a.electron} · Chromium ${a.chrome} · Node ${a.node} · V8 ${a.v8}`,
    `Platform ${a.platform}`,
    `Engine backend: ${a.backend}`,
    '',
    ...a.credits,
  ].join('\n');
}
