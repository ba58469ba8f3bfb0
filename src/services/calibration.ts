// The calibration services (CalibrationApi, less autoBackground, which the Generate panel's
// previewer serves in generation.ts): a proposal from a job's first human fixes, and the
// one-click re-refine of its unreviewed images, with throttled 'job.progress' events and a
// 'job.finished' at the end like every batch job the studio starts.
import type { CalibrationApi, FixProposal } from '../contract/calibration.ts';
import { fixRerefine, onProgress, proposeFromFixes, startRethreshold, type JobProgress } from '../jobs/index.ts';
import type { Project } from '../project/index.ts';
import { THROTTLE_MS, type EventBus } from './events.ts';

/** the last proposal per open project: applying exactly it records its numbers in the job */
const lastProposal = new WeakMap<Project, FixProposal>();

export function createCalibrationService(project: Project, bus?: EventBus): Omit<CalibrationApi, 'autoBackground'> {
  return {
    async proposeFromFixes(jobId) {
      const p = await proposeFromFixes(project, jobId);
      lastProposal.set(project, p);
      return p;
    },

    async applyFixProposal(req) {
      const { mask, refine, scope } = fixRerefine(project, req, lastProposal.get(project));
      const h = startRethreshold(project, req.jobId, mask, { refine, scope });
      let last = 0;
      let prev: JobProgress | null = null;
      const off = onProgress(h.jobId, (p) => {
        const now = Date.now();
        const force = !prev || prev.state !== p.state || p.done + p.failed === p.total;
        prev = p;
        if (!force && now - last < THROTTLE_MS) return;
        last = now;
        bus?.emit('job.progress', p);
      });
      void h.done
        .then(
          ({ resumed: _resumed, ...s }) => bus?.emit('job.finished', { ...s, imagesPerSec: s.seconds > 0 ? s.processed / s.seconds : 0, etaSec: null }),
          (e: Error) => prev && bus?.emit('job.finished', { ...prev, state: 'failed', message: e.message }),
        )
        .finally(off);
      return { jobId: h.jobId, images: project.jobItems.counts(h.jobId).total };
    },
  };
}
