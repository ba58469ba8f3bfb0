// The state classes' one way to run a call the UI waits on: a busy flag while it runs, the
// error's message into the state's error field, and the answer — or null when it failed.

/**
 * Runs `work` with `busy(true)` … `busy(false)` around it; a failure's message goes to `fail`
 * and the result is null (so `work` itself should not answer null).
 */
export async function attempt<T>(work: () => Promise<T>, fail: (message: string) => void, busy: (on: boolean) => void): Promise<T | null> {
  busy(true);
  try {
    return await work();
  } catch (err) {
    fail((err as Error).message);
    return null;
  } finally {
    busy(false);
  }
}
