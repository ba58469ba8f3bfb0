// Per-test scratch space for the integration tests: a fresh temp folder before each test and
// what the test file opens in it, undone after each test in the reverse order. Vitest runs
// afterEach hooks as a stack, so a list declared after scratchEach is emptied before the folder goes.
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './images.ts';

export interface Scratch {
  /** the running test's own folder */
  readonly dir: string;
}

/**
 * Before each test a new folder under the system temp dir (named `prefix…`), then `open(dir)`;
 * the teardown `open` returns (closing its project, say) runs after the test, then the folder
 * is removed.
 */
export function scratchEach(prefix: string, open?: (dir: string) => (() => unknown) | Promise<() => unknown>): Scratch {
  let tmp: ReturnType<typeof tempDir> | null = null;
  let teardown: (() => unknown) | null = null;
  beforeEach(async () => {
    tmp = tempDir(prefix);
    teardown = open ? await open(tmp.dir) : null;
  });
  afterEach(async () => {
    const [t, done] = [tmp, teardown];
    tmp = teardown = null;
    try {
      await done?.();
    } finally {
      t?.cleanup();
    }
  });
  return {
    get dir(): string {
      if (!tmp) throw new Error('scratchEach: the folder exists only while a test runs');
      return tmp.dir;
    },
  };
}

/** A list for what a test opens (projects): each is closed after the test. */
export function closedAfterEach<T extends { close(): void }>(): T[] {
  const open: T[] = [];
  afterEach(() => {
    for (const p of open.splice(0)) p.close();
  });
  return open;
}

/** A list for the child processes a test starts: any still running is killed after the test. */
export function killedAfterEach(): ChildProcess[] {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });
  return children;
}
