// Rolling back a job: each mask version it wrote is taken back through the project's mask
// door (project/mask-writes.ts undoJobWrite: deleted, the version before it made current
// again where it still was, approved ones kept), and job items that pointed at it are
// repointed. One transaction.
import { StudioError } from '../contract/errors.ts';
import type { RollbackReport } from '../contract/jobs.ts';
import type { Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';

export type { RollbackReport } from '../contract/jobs.ts';

export function rollbackJob(project: Project, jobId: number): RollbackReport {
  const job = project.jobs.get(jobId);
  if (job.rolledBackAt) throw new StudioError('BAD_REQUEST', `job ${jobId} was already rolled back on ${job.rolledBackAt}`);
  if (job.status === 'running') {
    throw new StudioError('BAD_REQUEST', `job ${jobId} is running (or its process died); cancel it or let it finish, then roll back — a dead run's job can be resumed or rolled back with --force`);
  }
  return forceRollback(project, jobId);
}

/** Rollback without the running check (a job whose process was killed stays 'running'). */
export function forceRollback(project: Project, jobId: number): RollbackReport {
  const report: RollbackReport = { jobId, removed: 0, restored: 0, keptApproved: 0 };
  writeTransaction(project.db, () => {
    const items = project.jobItems.list(jobId, { states: ['done'] }).reverse();
    for (const item of items) {
      if (item.maskId === null) continue;
      const did = project.maskWrites.undoJobWrite({ imageId: item.imageId, maskId: item.maskId, prevMaskId: item.prevMaskId, prevStatus: item.prevStatus });
      if (did === 'gone') continue;
      if (did === 'kept-approved') {
        report.keptApproved++;
        continue;
      }
      if (did === 'restored') report.restored++;
      // a later job that recorded this version as "before" now falls back to what was before it
      project.jobItems.repointPrev(item.maskId, item.prevMaskId);
      project.jobItems.clearMask(jobId, item.imageId);
      report.removed++;
    }
    project.jobs.setRolledBack(jobId, new Date().toISOString());
  });
  return report;
}
