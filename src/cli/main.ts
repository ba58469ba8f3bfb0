// `relevance-studio <command>` / `npm run studio -- <command>`.
import { CliError, parseArgs } from './args.ts';
import type { Command } from './command.ts';
import { storageFailure } from '../project/db.ts';
import { cam } from './commands/cam.ts';
import { exportCmd } from './commands/export.ts';
import { generate } from './commands/generate.ts';
import { importCmd } from './commands/import.ts';
import { importMasksCmd } from './commands/import-masks.ts';
import { info } from './commands/info.ts';
import { jobs } from './commands/jobs.ts';
import { init } from './commands/init.ts';
import { merge } from './commands/merge.ts';
import { model } from './commands/model.ts';
import { rollback } from './commands/rollback.ts';
import { serve } from './commands/serve.ts';
import { start } from './commands/start.ts';

// One line per command; each command lives in commands/<name>.ts.
const COMMANDS: Command[] = [
  init,
  importCmd,
  importMasksCmd,
  exportCmd,
  info,
  cam,
  model,
  generate,
  jobs,
  merge,
  rollback,
  serve,
  start,
];

function help(): string {
  return [
    'Relevance Studio: tags + your classifier → pixel masks (Relevance-CAM).',
    '',
    'usage: relevance-studio <command> [args]',
    '',
    ...COMMANDS.flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 1;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    console.error(`relevance-studio: unknown command '${name}' (see relevance-studio --help)`);
    return 2;
  }
  try {
    return await cmd.run(parseArgs(rest, cmd.booleans));
  } catch (err) {
    if (err instanceof CliError || isUserFacing(err)) {
      console.error(`relevance-studio ${name}: ${(err as Error).message}`);
      return 1;
    }
    const storage = storageFailure(err, rest.find((a) => !a.startsWith('-')) ?? name);
    if (storage) {
      console.error(`relevance-studio ${name}: ${storage.message}`);
      return 1;
    }
    throw err;
  }
}

/** Errors the services raise for bad input carry `userFacing = true`. */
function isUserFacing(err: unknown): boolean {
  return err instanceof Error && (err as Error & { userFacing?: boolean }).userFacing === true;
}
