// The names of an export's own files in a target, besides the user's labels: the
// completion marker, the lock, the staging folders and the folder of replaced entries.
// None of them counts as the user's content when a target is checked for being empty.

/** written last into a finished export */
export const EXPORT_MARKER = '.relevance-studio-export.json';
/** held by the export writing into the folder (target-lock.ts) */
export const EXPORT_LOCK = '.relevance-studio-export.lock';
/** an export's staging folder: PARTIAL + its owner's tag */
export const PARTIAL = '.relevance-studio-partial-';
/** where an overwrite parks the entries it replaces until the marker is written */
export const REPLACED = '.relevance-studio-replaced-';

export function isExportLeftover(name: string): boolean {
  return name.startsWith(PARTIAL) || name.startsWith(REPLACED) || name.startsWith(EXPORT_LOCK);
}
