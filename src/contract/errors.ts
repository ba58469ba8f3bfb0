import type { ErrorCode } from './api.ts';

/**
 * An error caused by the user's input (a file, a payload, a request): its message names
 * the thing and the problem, and the CLI prints it as one line without a stack trace.
 */
export class StudioError extends Error {
  readonly userFacing = true;
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StudioError';
  }
}
