// The one kit of runtime checks for what crosses a transport (the studio's validators,
// the desktop channel's): each returns the typed value or throws StudioError('BAD_REQUEST')
// naming the method and the bad field. Hand-written, no schema library.
import { StudioError } from '../contract/errors.ts';

export type Obj = Record<string, unknown>;

export function bad(method: string, what: string): StudioError {
  return new StudioError('BAD_REQUEST', `${method}: ${what}`);
}

/** the parameter tuple of exactly `n` entries (none may also arrive as undefined) */
export function tuple(method: string, raw: unknown, n: number): unknown[] {
  if (raw === undefined && n === 0) return [];
  if (!Array.isArray(raw)) throw bad(method, `parameters must be a JSON array, got ${raw === null ? 'null' : typeof raw}`);
  if (raw.length !== n) throw bad(method, `expects ${n} parameter${n === 1 ? '' : 's'}, got ${raw.length}`);
  return raw;
}

/** a plain object whose keys are all in `known` */
export function object(method: string, name: string, v: unknown, known: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(method, `${name} must be an object`);
  for (const k of Object.keys(v)) if (!known.includes(k)) throw bad(method, `unknown ${name} field '${k}'`);
  return v as Obj;
}

export function int(method: string, name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw bad(method, `${name} must be an integer in ${min}..${max}, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

export function num(method: string, name: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(method, `${name} must be a number in ${min}..${max}, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

export function bool(method: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw bad(method, `${name} must be true or false`);
  return v;
}

export function oneOf<T extends string>(method: string, name: string, v: unknown, options: readonly T[]): T {
  if (!options.includes(v as T)) throw bad(method, `${name} must be one of ${options.join(', ')}, got ${JSON.stringify(v) ?? String(v)}`);
  return v as T;
}

/** a string of at most `max` characters; `nonEmpty` refuses '' too */
export function text(method: string, name: string, v: unknown, max: number, nonEmpty = false): string {
  if (typeof v !== 'string' || v.length > max || (nonEmpty && v.length === 0)) throw bad(method, `${name} must be a ${nonEmpty ? 'non-empty ' : ''}string of at most ${max} characters`);
  return v;
}

export function intList(method: string, name: string, v: unknown, min: number, max: number, maxLen: number): number[] {
  if (!Array.isArray(v)) throw bad(method, `${name} must be an array of integers`);
  if (v.length > maxLen) throw bad(method, `${name} holds ${v.length} entries, at most ${maxLen} allowed`);
  return v.map((x, k) => int(method, `${name}[${k}]`, x, min, max));
}

export function bytes(method: string, name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) throw bad(method, `${name} must be bytes (send them as the request body)`);
  return v;
}
