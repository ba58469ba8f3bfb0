// The one rule for names a person gives and sees (classes, projects): trimmed, NFC, at
// most MAX_NAME characters, and free of control, line-separator and bidi-override
// characters — a newline in a class name shifts every later line of an exported
// classes.txt, and a bidi override makes a list show names other than those stored.
import { StudioError } from '../contract/errors.ts';

export const MAX_NAME = 200;

// C0/C1 controls and DEL, line/paragraph separators, bidi marks/embeddings/overrides/isolates, BOM
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/u;

export type NameKind = 'class' | 'project';

/** The cleaned name, or a StudioError('BAD_REQUEST') naming what is wrong with it. */
export function checkName(kind: NameKind, raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (!name) throw new StudioError('BAD_REQUEST', `${kind} name is empty`);
  const shown = JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);
  if (name.length > MAX_NAME) throw new StudioError('BAD_REQUEST', `${kind} name ${shown} is longer than ${MAX_NAME} characters`);
  const bad = FORBIDDEN.exec(name);
  if (bad) {
    const cp = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new StudioError('BAD_REQUEST', `${kind} name ${shown} contains ${cp} (a control or text-direction character); names may hold neither`);
  }
  return name;
}
