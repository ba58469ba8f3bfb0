// Parameter checks of the ExportApi methods (spread into validate.ts' VALIDATORS).
import { EXPORT_FORMAT_NAMES, type ExportApi, type ExportFormatName, type ExportRequest } from '../contract/export.ts';
import { bad, bool, int, num, object, oneOf, tuple } from './check.ts';

type Validators = { [M in keyof ExportApi]: (raw: unknown) => Parameters<ExportApi[M]> };

const MAX_PATH = 4096;

function exportRequest(raw: unknown): [ExportRequest] {
  const m = 'exportProject';
  const [v] = tuple(m, raw, 1);
  const o = object(m, 'request', v, ['format', 'out', 'approvedOnly', 'split', 'overwrite', 'copyImages', 'minArea']);
  if (typeof o.out !== 'string' || o.out.trim() === '' || o.out.length > MAX_PATH || o.out.includes('\0')) {
    throw bad(m, `out must be a folder path of at most ${MAX_PATH} characters`);
  }
  let split: ExportRequest['split'] = null;
  if (o.split !== null) {
    const s = object(m, 'split', o.split, ['val', 'seed']);
    split = { val: num(m, 'split.val', s.val, 0, 1), seed: int(m, 'split.seed', s.seed, 0, 2 ** 31 - 1) };
  }
  return [
    {
      format: oneOf<ExportFormatName>(m, 'format', o.format, EXPORT_FORMAT_NAMES),
      out: o.out.trim(),
      approvedOnly: bool(m, 'approvedOnly', o.approvedOnly),
      split,
      overwrite: bool(m, 'overwrite', o.overwrite),
      copyImages: bool(m, 'copyImages', o.copyImages),
      minArea: int(m, 'minArea', o.minArea, 0, 1_000_000),
    },
  ];
}

export const EXPORT_VALIDATORS: Validators = {
  defaultExportFolder: (raw) => {
    const [f] = tuple('defaultExportFolder', raw, 1);
    return [oneOf<ExportFormatName>('defaultExportFolder', 'format', f, EXPORT_FORMAT_NAMES)];
  },
  exportProject: exportRequest,
  exportPlan: (raw) => {
    const m = 'exportPlan';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['format', 'approvedOnly']);
    return [{ format: oneOf<ExportFormatName>(m, 'format', o.format, EXPORT_FORMAT_NAMES), approvedOnly: bool(m, 'approvedOnly', o.approvedOnly) }];
  },
};
