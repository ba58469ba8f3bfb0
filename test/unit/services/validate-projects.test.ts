// The projects, import, model and chooser methods' parameters are checked like every other
// method's: the validator returns the typed tuple, or a BAD_REQUEST naming the method and
// the field, before any service code (or any file) is touched.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import { VALIDATORS } from '../../../src/services/validate.ts';

function refusal(method: keyof typeof VALIDATORS, raw: unknown): string {
  try {
    VALIDATORS[method](raw);
  } catch (err) {
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('BAD_REQUEST');
    return (err as StudioError).message;
  }
  throw new Error(`${method} accepted ${JSON.stringify(raw)}`);
}

describe('validators of the new methods', () => {
  it('accept well-formed calls and return the typed values', () => {
    expect(VALIDATORS.createProject([{ name: 'Pets', parent: '/data', folder: 'pets' }])).toEqual([{ name: 'Pets', parent: '/data', folder: 'pets' }]);
    expect(VALIDATORS.openProject(['/data/pets'])).toEqual(['/data/pets']);
    expect(VALIDATORS.inspectDataset([{ path: '/data/voc' }])).toEqual([{ path: '/data/voc' }]);
    expect(VALIDATORS.startImport([{ path: 'C:\\data\\voc', layout: 'voc', masks: 'ground-truth' }])).toEqual([{ path: 'C:\\data\\voc', layout: 'voc', masks: 'ground-truth' }]);
    expect(VALIDATORS.tryModel([{ path: '/m/net.onnx', imageId: 3, layer: 'layer2' }])).toEqual([{ path: '/m/net.onnx', imageId: 3, layer: 'layer2' }]);
    expect(VALIDATORS.listFolder([{ purpose: 'model' }])).toEqual([{ purpose: 'model' }]);
    expect(VALIDATORS.listFolder([{ purpose: 'dataset', path: '/x', hidden: true }])).toEqual([{ purpose: 'dataset', path: '/x', hidden: true }]);
    expect(VALIDATORS.recentProjects([])).toEqual([]);
    expect(VALIDATORS.setActiveModel([2])).toEqual([2]);
  });

  it('refuse wrong shapes, naming the method and the field', () => {
    const cases: [keyof typeof VALIDATORS, unknown, string][] = [
      ['createProject', [{ name: 'P', parent: 'relative', folder: 'p' }], "createProject: parent must be an absolute path, got 'relative'"],
      ['createProject', [{ name: 'P', parent: '/x', folder: 'a/b' }], "createProject: folder must be one folder name (no '/' or '\\'), got 'a/b'"],
      ['createProject', [{ name: 'P', parent: '/x', folder: '..' }], "createProject: folder must be one folder name (no '/' or '\\'), got '..'"],
      ['createProject', [{ name: '', parent: '/x', folder: 'p' }], 'createProject: name must be a non-empty string of at most 200 characters'],
      ['createProject', [{ name: 'P', parent: '/x', folder: 'p', extra: 1 }], "createProject: unknown request field 'extra'"],
      ['openProject', ['/a\0b'], 'openProject: path must be a path of 1..4096 characters'],
      ['openProject', [`/${'x'.repeat(5000)}`], 'openProject: path must be a path of 1..4096 characters'],
      ['openProject', [], 'openProject: expects 1 parameter, got 0'],
      ['inspectDataset', [{ path: '/d', layout: 'coco' }], 'inspectDataset: layout must be one of voc, folders, csv, json, got "coco"'],
      ['startImport', [{ path: '/d', layout: 'voc' }], 'startImport: masks must be one of current, ground-truth, got undefined'],
      ['cancelImport', [0], 'cancelImport: job id must be an integer in 1..9007199254740991, got 0'],
      ['inspectModel', [42], 'inspectModel: path must be a path of 1..4096 characters'],
      ['tryModel', [{ path: '/m.onnx', imageId: 1, layer: 'layer9' }], 'tryModel: layer must be one of layer1, layer2, layer3, layer4, got "layer9"'],
      ['tryModel', [{ path: '/m.onnx', imageId: 1.5, layer: 'layer2' }], 'tryModel: imageId must be an integer in 1..9007199254740991, got 1.5'],
      ['removeModel', ['1'], 'removeModel: model id must be an integer in 1..9007199254740991, got "1"'],
      ['listFolder', [{ purpose: 'secrets' }], 'listFolder: purpose must be one of dataset, model, project, new-project, export, got "secrets"'],
      ['listFolder', [{ purpose: 'model', path: '~/x' }], "listFolder: path must be an absolute path, got '~/x'"],
      ['listFolder', [{ purpose: 'model', hidden: 'yes' }], 'listFolder: hidden must be true or false'],
      ['currentProject', ['x'], 'currentProject: expects 0 parameters, got 1'],
    ];
    for (const [m, raw, msg] of cases) expect(refusal(m, raw), `${m} ${JSON.stringify(raw)}`).toBe(msg);
  });
});
