// Who holds a lock, told apart from whoever gets the same pid later. A pid alone is not an
// identity: after a reboot pids are reused (a lock row pointing at pid 1 looked held
// forever), and a process killed with -9 stays a zombie, still answering kill(pid, 0),
// until its parent reaps it. Where the OS gives them (Linux /proc), a holder is its host,
// the boot it ran in and the start time of its pid; elsewhere the caller's heartbeat decides.
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id where the OS has it */
  boot?: string;
  /** the process's start time in clock ticks since boot (/proc/PID/stat field 22) */
  start?: string;
}

/** 'unknown': another host, or an OS without /proc — the caller's heartbeat decides */
export type HolderState = 'alive' | 'gone' | 'unknown';

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** state letter and start time of `pid`, null when the process does not exist; undefined without /proc */
function procStat(pid: number): { state: string; start: string } | null | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' && hasProc()) return null;
    return undefined;
  }
  // "pid (comm) S ppid …": comm may hold spaces and parentheses, so read after the last ')'
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], start: fields[19] };
}

let procKnown: boolean | undefined;
function hasProc(): boolean {
  if (procKnown === undefined) {
    try {
      readFileSync('/proc/self/stat');
      procKnown = true;
    } catch {
      procKnown = false;
    }
  }
  return procKnown;
}

let self: ProcessIdentity | undefined;

/** this process, as another process will judge it */
export function thisProcess(): ProcessIdentity {
  if (!self) {
    const boot = bootId();
    const start = procStat(process.pid)?.start;
    self = { pid: process.pid, host: os.hostname(), ...(boot ? { boot } : {}), ...(start ? { start } : {}) };
  }
  return self;
}

export function isThisProcess(h: ProcessIdentity): boolean {
  const me = thisProcess();
  return h.pid === me.pid && h.host === me.host && (h.start === undefined || me.start === undefined || h.start === me.start);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the holder `h` still runs. On this host: gone when the machine rebooted since
 * (another boot id), when its pid is free, a zombie, or belongs to a process started at
 * another time. 'unknown' on another host, or on this host without /proc while the pid
 * exists: the heartbeat decides there.
 */
export function holderState(h: ProcessIdentity): HolderState {
  if (h.host !== os.hostname()) return 'unknown';
  if (!Number.isInteger(h.pid) || h.pid <= 0) return 'gone';
  const me = thisProcess();
  if (h.boot && me.boot && h.boot !== me.boot) return 'gone';
  const st = procStat(h.pid);
  if (st === null) return 'gone';
  if (st === undefined) return pidExists(h.pid) ? 'unknown' : 'gone';
  if (st.state === 'Z' || st.state === 'X') return 'gone';
  // a holder recorded without a start time (an older row): its pid alone proves nothing
  if (h.start === undefined) return 'unknown';
  return st.start === h.start ? 'alive' : 'gone';
}
