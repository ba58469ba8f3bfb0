// One call from a transport: method name + untrusted params → Result, never a throw. Both
// channels go through `route` — the StudioApi (browser mode's HTTP server and Electron's
// IPC_CALL) and the desktop-only DesktopApi (Electron's IPC_DESKTOP) — so they look a
// method up, check its params and turn errors into results the same way.
import { BINARY_METHODS, type ApiError, type MethodName, type Result, type StudioApi } from '../contract/api.ts';
import type { DesktopApi } from '../contract/desktop.ts';
import { StudioError } from '../contract/errors.ts';
import { storageFailure } from '../project/storage-errors.ts';
import { VALIDATORS } from './validate.ts';
import { DESKTOP_VALIDATORS } from './validate-desktop.ts';

export function isBinaryMethod(name: string): boolean {
  return (BINARY_METHODS as readonly string[]).includes(name);
}

/** a channel's parameter checks, one per method: they are also its list of methods */
type Validators<A> = { [M in keyof A]: (raw: unknown) => unknown[] };

async function route<A extends object>(api: A, validators: Validators<A>, noun: string, method: string, raw: unknown): Promise<Result<unknown>> {
  if (!Object.prototype.hasOwnProperty.call(validators, method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown ${noun} '${method.slice(0, 80)}'` } };
  }
  const name = method as keyof A;
  try {
    const params = validators[name](raw);
    const fn = api[name] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, value: await fn.apply(api, params) };
  } catch (err) {
    return { ok: false, error: toApiError(err, method) };
  }
}

export function dispatch(api: StudioApi, method: string, raw: unknown): Promise<Result<unknown>> {
  return route(api, VALIDATORS, 'method', method, raw);
}

export function dispatchDesktop(api: DesktopApi, method: string, raw: unknown): Promise<Result<unknown>> {
  return route(api, DESKTOP_VALIDATORS, 'desktop method', method, raw);
}

/**
 * A StudioError keeps its code and message; a storage failure (full disk, busy or damaged
 * database) gets its own code and one line; anything else is INTERNAL (logged, not leaked).
 */
export function toApiError(err: unknown, method: MethodName | string): ApiError {
  if (err instanceof StudioError) return { code: err.code, message: err.message };
  const storage = storageFailure(err, method);
  if (storage) return { code: storage.code, message: storage.message };
  const e = err as Error & { userFacing?: boolean; code?: unknown };
  if (e && e.userFacing === true && typeof e.message === 'string') return { code: 'INTERNAL', message: e.message };
  console.error(`relevance-studio: ${method} failed:`, err);
  return { code: 'INTERNAL', message: `${method} failed: ${e?.message?.split('\n')[0] ?? String(err)}` };
}
