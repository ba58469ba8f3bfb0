// The tool contract. A tool is an object with a small lifecycle: activate() when it
// becomes the current tool, pointer/wheel/key input while current (the canvas host routes
// it; tools add no listeners of their own), cancel() then deactivate() when another tool
// takes over.
import type { Rect } from '../geometry.ts';
import type { CamField } from '../../../src/masks/cam-field.ts';
import type { LabelMap } from '../labels.ts';

export type ToolId = 'brush' | 'eraser' | 'polygon' | 'fill' | 'smart' | 'picker';

export interface ToolPointer {
  /** image coordinates (fractional) */
  x: number;
  y: number;
  shift: boolean;
  alt: boolean;
}

/** What a keyboard event looks like to a tool (DOM KeyboardEvent fits). */
export interface ToolKey {
  key: string;
  shift: boolean;
}

/** Shapes the overlay layer draws for the current tool (image coordinates). */
export type OverlayShape =
  | { kind: 'circle'; x: number; y: number; r: number; label?: string }
  | { kind: 'polyline'; points: number[]; closed: boolean }
  /** a region preview: mask (w·h, 1 inside) at image position (x, y), drawn in `value`'s colour (0: background) */
  | { kind: 'region'; x: number; y: number; w: number; h: number; mask: Uint8Array; value: number };

/** The image's pixels (RGB, width·height·3), once the host has read them. */
export interface ImagePixels {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** What the editor lends a tool: the map, a stroke, the settings. */
export interface ToolContext {
  readonly labels: LabelMap;
  readonly activeClass: number;
  readonly brushSize: number;
  /** +1 per completed change to the labels (a cache of anything computed from them is keyed by it) */
  readonly revision: number;
  /** the current class's CAM, when one is loaded */
  camFor(classIndex: number): CamField | null;
  /** the image's pixels, or null while the host has not read them (asking starts the reading) */
  pixels(): ImagePixels | null;
  /** starts a stroke (idempotent while one is open) */
  begin(): void;
  /** call before writing inside `r`; returns `r` clipped to the image */
  touch(r: Rect): Rect;
  /** the written rectangle must be repainted */
  changed(r: Rect): void;
  /** ends the stroke: one undo step named `label` (nothing when no pixel changed) */
  commit(label: string): void;
  /** drops the stroke, restoring every pixel it wrote */
  cancel(): void;
  setActiveClass(c: number): void;
  overlayChanged(): void;
  notify(message: string): void;
}

export interface Tool {
  readonly id: ToolId;
  /** the accessible name of its button */
  readonly name: string;
  readonly shortcut: string;
  readonly hint: string;
  activate?(): void;
  deactivate?(): void;
  down?(p: ToolPointer): void;
  move?(p: ToolPointer, buttons: boolean): void;
  up?(p: ToolPointer): void;
  /** an interrupted gesture (Escape, pointercancel, tool switch) */
  cancel?(): void;
  /** true when the tool used the wheel (the view does not zoom then) */
  wheel?(deltaY: number, p: ToolPointer): boolean;
  /** true when the tool used the key */
  key?(k: ToolKey): boolean;
  overlay?(hover: ToolPointer | null): OverlayShape[];
}
