// Where a fixed-position popover goes: below its anchor point, or above `flipY` when it
// would run off the bottom, clamped so it stays inside the window.
export interface Anchor {
  x: number;
  y: number;
  /** the popover's bottom edge when it opens upwards (the anchor element's top) */
  flipY?: number;
}

const MARGIN = 8;

export function popoverPlacement(a: Anchor, width: number, height: number): { x: number; y: number } {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  const x = Math.max(MARGIN, Math.min(a.x, vw - width - MARGIN));
  const y = a.y + height + MARGIN > vh ? Math.max(MARGIN, (a.flipY ?? a.y) - height) : a.y;
  return { x, y };
}
