// A test's calls into the StudioApi made the way both transports make them: through dispatch,
// so parameter checks and errors-as-results are exercised too.
import type { StudioApi } from '../../src/contract/api.ts';
import { dispatch } from '../../src/services/index.ts';

export interface DispatchCalls {
  /** the method's value; a refusal throws `CODE: message` */
  call<T>(method: string, ...params: unknown[]): Promise<T>;
  /** the refusal the method answers with; a success throws */
  refused(method: string, ...params: unknown[]): Promise<{ code: string; message: string }>;
}

/** `api` is read at each call, so a beforeEach may replace the API the test talks to. */
export function dispatchCalls(api: () => StudioApi): DispatchCalls {
  return {
    async call<T>(method: string, ...params: unknown[]): Promise<T> {
      const r = await dispatch(api(), method, params);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      return r.value as T;
    },
    async refused(method: string, ...params: unknown[]) {
      const r = await dispatch(api(), method, params);
      if (r.ok) throw new Error(`${method} succeeded`);
      return r.error;
    },
  };
}
