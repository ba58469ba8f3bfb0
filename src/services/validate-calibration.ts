// Parameter checks of the CalibrationApi methods (spread into validate.ts' VALIDATORS):
// each returns the typed tuple or throws StudioError('BAD_REQUEST') naming the bad field.
import type { ApplyFixRequest, AutoBackgroundRequest, BackgroundChoice, CalibrationApi } from '../contract/calibration.ts';
import { CAM_LAYER_NAMES, CAM_METHOD_NAMES, REFINE_PRESET_NAMES, type CamLayerName, type CamMethodName, type RefinePresetName } from '../contract/generation.ts';
import { bad, int, num, object, oneOf, tuple } from './check.ts';

type Validators = { [M in keyof CalibrationApi]: (raw: unknown) => Parameters<CalibrationApi[M]> };

function background(method: string, v: unknown): BackgroundChoice {
  const o = object(method, 'background', v, ['kind', 'bg', 'factor']);
  const kind = oneOf(method, 'background.kind', o.kind, ['fixed', 'auto'] as const);
  if (kind === 'fixed') {
    if (o.factor !== undefined) throw bad(method, `background 'fixed' takes bg, not factor`);
    return { kind, bg: num(method, 'background.bg', o.bg, 0, 1) };
  }
  if (o.bg !== undefined) throw bad(method, `background 'auto' takes factor, not bg`);
  return { kind, factor: num(method, 'background.factor', o.factor, 0.1, 4) };
}

function autoBackgroundRequest(raw: unknown): [AutoBackgroundRequest] {
  const m = 'autoBackground';
  const [v] = tuple(m, raw, 1);
  const o = object(m, 'request', v, ['imageId', 'modelId', 'method', 'layer', 'refine']);
  const out: AutoBackgroundRequest = {
    imageId: int(m, 'imageId', o.imageId, 1),
    method: oneOf<CamMethodName>(m, 'method', o.method, CAM_METHOD_NAMES),
    layer: oneOf<CamLayerName>(m, 'layer', o.layer, CAM_LAYER_NAMES),
  };
  if (o.modelId !== undefined) out.modelId = int(m, 'modelId', o.modelId, 1);
  if (o.refine !== undefined) out.refine = oneOf<RefinePresetName>(m, 'refine', o.refine, REFINE_PRESET_NAMES);
  return [out];
}

export const CALIBRATION_VALIDATORS: Validators = {
  autoBackground: autoBackgroundRequest,
  proposeFromFixes: (raw) => {
    const [id] = tuple('proposeFromFixes', raw, 1);
    return [id === null ? null : int('proposeFromFixes', 'job id', id, 1)];
  },
  applyFixProposal: (raw) => {
    const m = 'applyFixProposal';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['jobId', 'refine', 'background']);
    const req: ApplyFixRequest = {
      jobId: int(m, 'jobId', o.jobId, 1),
      refine: oneOf<RefinePresetName>(m, 'refine', o.refine, REFINE_PRESET_NAMES),
      background: background(m, o.background),
    };
    return [req];
  },
};
