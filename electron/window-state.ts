// The window's size and position, remembered in userData/window-state.json. Loading is
// defensive: a missing or broken file, absurd sizes, or a position on a monitor that is no
// longer attached all fall back to something visible. No Electron import.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW: Readonly<WindowState> = Object.freeze({ width: 1400, height: 900, maximized: false });
export const MIN_SIZE = { width: 800, height: 560 };
/** how much of the title bar must lie on a display for a saved position to count */
const VISIBLE = { width: 120, height: 40 };

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined;
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * A usable state from whatever `raw` holds, fitted to `displays` (their work areas): the
 * size is clamped to the largest display, and the position is kept only when the top of
 * the window is visible on one of them.
 */
export function fitWindowState(raw: unknown, displays: Rect[]): WindowState {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const maxW = Math.max(MIN_SIZE.width, ...displays.map((d) => d.width));
  const maxH = Math.max(MIN_SIZE.height, ...displays.map((d) => d.height));
  const width = Math.min(maxW, Math.max(MIN_SIZE.width, num(o.width) ?? DEFAULT_WINDOW.width));
  const height = Math.min(maxH, Math.max(MIN_SIZE.height, num(o.height) ?? DEFAULT_WINDOW.height));
  const state: WindowState = { width, height, maximized: o.maximized === true };
  const x = num(o.x);
  const y = num(o.y);
  if (x !== undefined && y !== undefined) {
    const titleBar = { x, y, width, height: VISIBLE.height };
    const seen = displays.some((d) => {
      const ov = overlap(titleBar, d);
      return ov.width >= VISIBLE.width && ov.height >= VISIBLE.height / 2;
    });
    if (seen) Object.assign(state, { x, y });
  }
  return state;
}

export function loadWindowState(file: string, displays: Rect[]): WindowState {
  let raw: unknown = null;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // first start or a damaged file: defaults
  }
  return fitWindowState(raw, displays);
}

/** Written to a temp file and renamed, so a crash mid-write never leaves half a file. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, file);
}
