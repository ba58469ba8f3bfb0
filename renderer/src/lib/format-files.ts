// How the chooser and the Projects home write sizes and times.
const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** 1 536 → "1.5 KB" (powers of 1024, one decimal below 10) */
export function fileSize(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/** today: the time; otherwise the date */
export function shortTime(iso: string | null, now = new Date()): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return d.toDateString() === now.toDateString() ? `Today ${time.format(d)}` : day.format(d);
}

/** a long path cut at the front, where it says least: "…/data/pets/project" */
export function tailOfPath(path: string, max = 52): string {
  return path.length <= max ? path : `…${path.slice(path.length - max + 1)}`;
}
