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
  | { kind: 'help' }
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
  if (/^[0-9]$/.test(k)) return { kind: 'class', n: k === '0' ? 10 : Number(k) };
  if (k === 'a') return { kind: 'approve-next' };
  if (k === 'r') return { kind: 'reject-next' };
  if (k === 'n') return e.shiftKey ? { kind: 'previous' } : { kind: 'next' };
  if (k === 'ArrowRight' || k === 'ArrowDown' || k === 'PageDown') return { kind: 'next' };
  if (k === 'ArrowLeft' || k === 'ArrowUp' || k === 'PageUp') return { kind: 'previous' };
  if (k === 'h') return { kind: 'toggle-heat' };
  if (k === 'm') return { kind: 'toggle-mask' };
  if (k === 'o') return { kind: 'toggle-outline' };
  if (k === 'z') return { kind: 'fit' };
  if (k === '/') return { kind: 'find-class' };
  if (k === '?') return { kind: 'help' };
  if (k === 'Escape') return { kind: 'back' };
  return null;
}

/** The shortcut table the help overlay (?) shows, by group. Tools list their own keys. */
export const SHORTCUTS: readonly { group: string; keys: readonly [string, string][] }[] = [
  {
    group: 'Paint',
    keys: [
      ['1 … 9, 0', 'The first ten classes'],
      ['/', 'Find a class by name'],
      ['[  ]', 'Smaller / larger brush'],
      ['Esc', 'Cancel the stroke or polygon in progress'],
    ],
  },
  {
    group: 'History',
    keys: [
      ['Ctrl+Z', 'Undo'],
      ['Ctrl+Shift+Z, Ctrl+Y', 'Redo'],
    ],
  },
  {
    group: 'Review',
    keys: [
      ['A', 'Approve and go to the next image'],
      ['R', 'Reject and go to the next image'],
      ['N, →, ↓, PgDn', 'Next image'],
      ['Shift+N, ←, ↑, PgUp', 'Previous image'],
      ['Esc', 'Back to the images (a focused field lets go first)'],
    ],
  },
  {
    group: 'View',
    keys: [
      ['M / O / H', 'Mask / outline / CAM heatmap'],
      ['Wheel, Z', 'Zoom at the cursor, fit to the window'],
      ['Space+drag, middle drag', 'Pan'],
      ['?', 'This list'],
    ],
  },
];
