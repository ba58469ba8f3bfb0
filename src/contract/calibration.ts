// The contract of calibration: how τ_bg is set (a fixed value, or the studio's per-image
// rule), and the proposal the studio makes from a job's first human fixes. Types and plain
// constants only, imported by api.ts into StudioApi.
import type { PreviewRequest, RefinePresetName } from './generation.ts';

/** How a mask's τ_bg is set: one value for every image, or per image by the automatic rule (Otsu × factor). */
export type BackgroundChoice = { kind: 'fixed'; bg: number } | { kind: 'auto'; factor: number };

/** A chain and a τ_bg rule, as a job or a proposal has them. */
export interface MaskRecipe {
  /** 'custom': a chain that is no preset (a CLI job with explicit settings) */
  refine: RefinePresetName | 'custom';
  background: BackgroundChoice;
}

/** What the studio proposes after a person fixed some of a job's masks. */
export interface FixProposal {
  /** the generation job whose stored CAMs the masks are rebuilt from */
  jobId: number;
  /** how many of its images have a mask a person edited or approved (the masks scored) */
  fixed: number;
  /** the job's own recipe and its mIoU against those masks */
  current: MaskRecipe & { miou: number };
  /** the recipe that reproduces them best (null when nothing is fixed yet) */
  best: (MaskRecipe & { miou: number }) | null;
  /** best − current mIoU on the fixed images */
  gain: number;
  /** the gain the studio asks for before it recommends a change, with this many fixes (fewer fixes, more noise) */
  required: number;
  /** gain ≥ required: re-refining with `best` is recommended */
  recommended: boolean;
  /** the job's images still unreviewed: what a re-refine rebuilds */
  unreviewed: number;
}

export interface ApplyFixRequest {
  jobId: number;
  refine: RefinePresetName;
  background: BackgroundChoice;
}

/** the preview's image and settings; τ_bg's rule does not depend on the thresholds */
export type AutoBackgroundRequest = Pick<PreviewRequest, 'imageId' | 'modelId' | 'method' | 'layer' | 'refine'>;

export interface CalibrationApi {
  /** The τ_bg the automatic rule picks for one image at these settings (the preview's image). */
  autoBackground(req: AutoBackgroundRequest): Promise<number>;
  /**
   * From a finished generation job (null: the latest) and the masks a person has edited or
   * approved among its images: the chain and τ_bg rule that reproduce those masks best,
   * scored on those images only, from the stored CAMs (no model run).
   */
  proposeFromFixes(jobId: number | null): Promise<FixProposal>;
  /**
   * Rebuilds the job's unreviewed images' masks from its stored CAMs with this recipe, in the
   * background (a re-threshold job; progress as job.progress events). Human masks are never
   * touched: edited, approved and rejected images are left out.
   */
  applyFixProposal(req: ApplyFixRequest): Promise<{ jobId: number; images: number }>;
}
