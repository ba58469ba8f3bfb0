// Worker entry: vitest and tsx transform the files they import, not a file handed to
// `new Worker(...)`, so the worker starts here, registers tsx's loader for this thread,
// then imports the TypeScript worker named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
