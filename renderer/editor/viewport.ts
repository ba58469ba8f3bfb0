// Zoom and pan as one affine map, screen = image · scale + (tx, ty). Pure arithmetic: the
// DOM host applies it as a CSS transform, so zooming and panning repaint nothing.
export interface Viewport {
  scale: number;
  tx: number;
  ty: number;
}

export const MIN_SCALE = 1 / 64;
export const MAX_SCALE = 64;

/** The image fitted inside a viewW×viewH box with a margin, centred. */
export function fit(imageW: number, imageH: number, viewW: number, viewH: number, margin = 24): Viewport {
  const s = Math.max(MIN_SCALE, Math.min(MAX_SCALE, Math.min((viewW - 2 * margin) / imageW, (viewH - 2 * margin) / imageH)));
  return { scale: s, tx: (viewW - imageW * s) / 2, ty: (viewH - imageH * s) / 2 };
}

/** Zooms by `factor` keeping the image point under screen point (sx, sy) where it is. */
export function zoomAt(v: Viewport, sx: number, sy: number, factor: number): Viewport {
  const scale = Math.max(MIN_SCALE, Math.min(MAX_SCALE, v.scale * factor));
  const k = scale / v.scale;
  return { scale, tx: sx - (sx - v.tx) * k, ty: sy - (sy - v.ty) * k };
}

export function panBy(v: Viewport, dx: number, dy: number): Viewport {
  return { scale: v.scale, tx: v.tx + dx, ty: v.ty + dy };
}

export function toImage(v: Viewport, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - v.tx) / v.scale, y: (sy - v.ty) / v.scale };
}
