// The editor's keyboard map, as data: the view turns a key event into one of these
// commands (tested without a DOM; the help overlay lists the same table).
import type { ToolId } from './tools/types.ts';

export type Command =
  | { kind: 'tool'; tool: ToolId }
  | { kind: 'size'; dir: -1 | 1 }
  | { kind: 'class'; n: number }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'approve-next' }
  | { kind: 'reject-next' }
  | { kind: 'next' }
  | { kind: 'previous' }
  | { kind: 'toggle-heat' }
  | { kind: 'toggle-mask' }
  | { kind: 'toggle-outline' }
  | { kind: 'fit' }
  | { kind: 'find-class' }
  | { kind: 'back' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const TOOL_KEYS: Record<string, ToolId> = { b: 'brush', e: 'eraser', p: 'polygon', f: 'fill', s: 'smart', i: 'picker' };

export function commandFor(e: KeyLike): Command | null {
  const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && !e.altKey) {
    if (k === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (k === 'y') return { kind: 'redo' };
    return null;
  }
  if (mod || e.altKey) return null;
  if (k in TOOL_KEYS) return { kind: 'tool', tool: TOOL_KEYS[k] };
  if (k === '[') return { kind: 'size', dir: -1 };
  if (k === ']') return { kind: 'size', dir: 1 };
  if (/^[1-9]$/.test(k)) return { kind: 'class', n: Number(k) };
  if (k === 'a') return { kind: 'approve-next' };
  if (k === 'r') return { kind: 'reject-next' };
  if (k === 'n') return e.shiftKey ? { kind: 'previous' } : { kind: 'next' };
  if (k === 'h') return { kind: 'toggle-heat' };
  if (k === 'm') return { kind: 'toggle-mask' };
  if (k === 'o') return { kind: 'toggle-outline' };
  if (k === '0') return { kind: 'fit' };
  if (k === '/') return { kind: 'find-class' };
  if (k === 'Escape') return { kind: 'back' };
  return null;
}

/** The shortcut table the help panel shows. */
export const SHORTCUTS: readonly [string, string][] = [
  ['B E P F S I', 'Brush, eraser, polygon, fill, smart region, class picker'],
  ['[ ]', 'Brush size'],
  ['1–9', 'First nine classes'],
  ['/', 'Find a class'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'Undo / redo'],
  ['A / R', 'Approve / reject and go to the next image'],
  ['N / Shift+N', 'Next / previous image'],
  ['H / M / O', 'Heatmap / mask / outline'],
  ['Space+drag, middle drag', 'Pan'],
  ['Wheel / 0', 'Zoom to the cursor / fit'],
];
