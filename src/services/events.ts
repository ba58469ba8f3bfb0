// A small typed event bus: the services publish, each transport (WebSocket, Electron IPC)
// subscribes once and forwards to its renderer. No Node or Electron import.
import type { EventName, StudioEvents } from '../contract/api.ts';

/** progress events (job.progress, export.progress) at most once per this many ms; state changes and the last one always pass */
export const THROTTLE_MS = 200;

export type EventListener = <E extends EventName>(name: E, payload: StudioEvents[E]) => void;

export interface EventBus {
  emit<E extends EventName>(name: E, payload: StudioEvents[E]): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
}

export function createEventBus(): EventBus {
  const listeners = new Set<EventListener>();
  return {
    emit(name, payload) {
      for (const l of [...listeners]) {
        try {
          l(name, payload);
        } catch (err) {
          // one broken transport must not stop the others from hearing the event
          console.error(`relevance-studio: event listener failed on '${name}': ${(err as Error).message}`);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
