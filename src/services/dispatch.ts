// One call from a transport: method name + untrusted params → Result. The HTTP server
// and the Electron IPC router both go through here, so they cannot drift apart.
import { BINARY_METHODS, type ApiError, type MethodName, type Result, type StudioApi } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import { storageFailure } from '../project/storage-errors.ts';
import { isMethodName, VALIDATORS } from './validate.ts';

export function isBinaryMethod(name: string): boolean {
  return (BINARY_METHODS as readonly string[]).includes(name);
}

export async function dispatch(api: StudioApi, method: string, rawParams: unknown): Promise<Result<unknown>> {
  if (!isMethodName(method)) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method '${method.slice(0, 80)}'` } };
  try {
    const params = VALIDATORS[method](rawParams);
    const fn = api[method] as (...args: unknown[]) => Promise<unknown>;
    return { ok: true, value: await fn.apply(api, params) };
  } catch (err) {
    return { ok: false, error: toApiError(err, method) };
  }
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
