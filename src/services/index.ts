// The services layer: what both transports (and tests) use.
export { createStudioService } from './studio.ts';
export { createEventBus, type EventBus, type EventListener } from './events.ts';
export { dispatch, dispatchDesktop, isBinaryMethod, toApiError } from './dispatch.ts';
export { VALIDATORS, isMethodName } from './validate.ts';
