import type { ParsedArgs } from './args.ts';

/** One CLI command; each lives in its own file under commands/ and is listed in main.ts. */
export interface Command {
  name: string;
  /** one line: `name <args> [--flags]` */
  usage: string;
  summary: string;
  /** flags that take no value */
  booleans?: readonly string[];
  /** returns the process exit code */
  run(args: ParsedArgs): Promise<number>;
}
