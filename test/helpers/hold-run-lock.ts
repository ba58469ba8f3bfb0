// A second process for lock tests: opens the project, takes the run lock of job argv[3]
// (shard argv[4] as i/n, optional), prints "held", and keeps it until killed or stdin ends
// (with HOLD_UNTIL_KILLED=1, until killed: for a holder started in the background).
import { acquireRunLock } from '../../src/jobs/run-lock.ts';
import { parseShard } from '../../src/jobs/shard.ts';
import { openProject } from '../../src/project/index.ts';

const [dir, job, shard] = process.argv.slice(2);
const project = openProject(dir);
const lock = acquireRunLock(project, Number(job), 'generate', shard ? parseShard(shard) : null);
process.stdout.write('held\n');
if (process.env.HOLD_UNTIL_KILLED === '1') {
  setInterval(() => undefined, 1 << 30);
} else {
  process.stdin.resume();
  process.stdin.on('end', () => {
    lock.release();
    project.close();
    process.exit(0);
  });
}
