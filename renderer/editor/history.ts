// Undo/redo as dirty-rectangle patches: one step per stroke (or per loaded / restored
// mask), holding the rectangle's bytes before and after. The history is capped by bytes,
// not steps: a flood fill of a 4096² map costs 32 MB, a brush dab a few hundred bytes.
import { blit, type Rect } from './geometry.ts';

/** One changed rectangle: its bytes before and after. */
export interface PatchPart {
  rect: Rect;
  before: Uint8Array;
  after: Uint8Array;
}

/** A step's change: the changed parts of the tiles it touched; `rect` bounds them all. */
export interface Patch {
  rect: Rect;
  parts: PatchPart[];
}

export interface Step {
  /** what the step did, for the history list ("Brush", "Flood fill", "Load mask") */
  label: string;
  patch: Patch;
}

export function patchBytes(p: Patch): number {
  let n = 0;
  for (const q of p.parts) n += q.before.byteLength + q.after.byteLength;
  return n;
}

export class History {
  private undoStack: Step[] = [];
  private redoStack: Step[] = [];
  private bytes = 0;

  constructor(readonly capBytes = 256 * 1024 * 1024) {}

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  get size(): { undo: number; redo: number; bytes: number } {
    return { undo: this.undoStack.length, redo: this.redoStack.length, bytes: this.bytes };
  }

  /** A new step: the redo branch is dropped, then the oldest steps until under the cap. */
  push(step: Step): void {
    for (const s of this.redoStack) this.bytes -= patchBytes(s.patch);
    this.redoStack = [];
    this.undoStack.push(step);
    this.bytes += patchBytes(step.patch);
    // the newest step always stays, even when it alone is over the cap
    while (this.bytes > this.capBytes && this.undoStack.length > 1) {
      this.bytes -= patchBytes(this.undoStack.shift()!.patch);
    }
  }

  /** Applies the newest step's "before" to `data`; returns the step (for its rect) or null. */
  undo(data: Uint8Array, width: number): Step | null {
    return this.replay(this.undoStack, this.redoStack, data, width, 'before');
  }

  redo(data: Uint8Array, width: number): Step | null {
    return this.replay(this.redoStack, this.undoStack, data, width, 'after');
  }

  /** Takes the newest step off `from`, paints its `side` into `data` and keeps it on `to`. */
  private replay(from: Step[], to: Step[], data: Uint8Array, width: number, side: 'before' | 'after'): Step | null {
    const s = from.pop();
    if (!s) return null;
    for (const q of s.patch.parts) blit(data, width, q.rect, q[side]);
    to.push(s);
    return s;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.bytes = 0;
  }
}
