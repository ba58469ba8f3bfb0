// `model add <dir> <file> [--classes FILE] [--layer L] [preprocessing flags]` and
// `model list <dir>`: registers a classifier (ONNX or TF.js layers) with its
// preprocessing and class mapping; refuses one whose class list or layer doesn't fit.
import { CliError, flagNumber, flagString, type ParsedArgs } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject } from '../../project/index.ts';
import { modelInfo, registerModel } from '../../jobs/index.ts';
import type { PreprocessConfig } from '../../jobs/preprocess-spec.ts';

const USAGE =
  'model add <dir> <file> [--classes FILE] [--layer layer2] [--preprocess FILE] [--size HxW] [--channels RGB|BGR|GRAY] [--scale S] [--mean a,b,c] [--std a,b,c] [--output softmax|sigmoid|logits] | model list <dir>';

export const model: Command = {
  name: 'model',
  usage: USAGE,
  summary: 'register a classifier (ONNX / TF.js layers) in a project, or list the registered ones',
  async run(args) {
    const [sub, dir, file, extra] = args.positionals;
    if (sub === 'list' && dir && !file) return list(dir, args.flags.has('json'));
    if (sub !== 'add' || !dir || !file || extra) throw new CliError(`usage: ${USAGE}`);
    const p = openProject(dir);
    try {
      const r = await registerModel(p, file, {
        classesFile: flagString(args, 'classes'),
        preprocessFile: flagString(args, 'preprocess'),
        layer: flagString(args, 'layer'),
        preprocess: preprocessFlags(args),
      });
      const m = r.model;
      console.log(`${r.added ? 'registered' : 'already registered:'} model ${m.id} (${m.format}) ${m.file}`);
      console.log(`  classes: ${r.classNames.length} outputs → project classes ${m.classMap.join(', ')}`);
      if (r.createdClasses.length) console.log(`  new project classes (the project lacked them): ${r.createdClasses.join(', ')}`);
      const pp = r.preprocess;
      console.log(`  preprocessing (${r.preprocessSource}): ${pp.size.join('×')} ${pp.channels}, scale ${pp.scale}, mean [${pp.mean.join(', ')}], std [${pp.std.join(', ')}], output ${pp.output}`);
      console.log(`  layer ${r.layer} → ${r.layerTensor} (${r.layerShape.join('×')})`);
    } finally {
      p.close();
    }
    return 0;
  },
};

function list(dir: string, json: boolean): number {
  const p = openProject(dir);
  try {
    const models = p.models.list();
    if (json) {
      console.log(JSON.stringify(models.map((m) => ({ id: m.id, file: m.file, format: m.format, hash: m.hash, classMap: m.classMap, addedAt: m.addedAt, ...safeInfo(m) }))));
      return 0;
    }
    if (models.length === 0) console.log(`no models in ${p.dir}; add one with 'model add'`);
    for (const m of models) {
      const info = safeInfo(m);
      console.log(`${m.id}  ${m.format.padEnd(11)} ${m.file}  (${info.classNames?.length ?? m.classMap.length} classes, ${info.preprocess ? info.preprocess.size.join('×') : '?'}, added ${m.addedAt})`);
    }
    return 0;
  } finally {
    p.close();
  }
}

function safeInfo(m: Parameters<typeof modelInfo>[0]): Partial<ReturnType<typeof modelInfo>> {
  try {
    return modelInfo(m);
  } catch {
    return {};
  }
}

function triple(args: ParsedArgs, name: string): number[] | undefined {
  const v = flagString(args, name);
  if (v === undefined) return undefined;
  const xs = v.split(',').map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x))) throw new CliError(`--${name} must be comma-separated numbers, got '${v}'`);
  return xs;
}

function preprocessFlags(args: ParsedArgs): Partial<PreprocessConfig> {
  const out: Partial<PreprocessConfig> = {};
  const size = flagString(args, 'size');
  if (size !== undefined) {
    const m = /^(\d+)(?:[x×,](\d+))?$/.exec(size);
    if (!m) throw new CliError(`--size must be HxW (or one number), got '${size}'`);
    out.size = [Number(m[1]), Number(m[2] ?? m[1])];
  }
  const channels = flagString(args, 'channels');
  if (channels !== undefined) out.channels = channels as PreprocessConfig['channels'];
  const scale = flagNumber(args, 'scale');
  if (scale !== undefined) out.scale = scale;
  const mean = triple(args, 'mean');
  if (mean) out.mean = mean;
  const std = triple(args, 'std');
  if (std) out.std = std;
  const output = flagString(args, 'output');
  if (output !== undefined) out.output = output as PreprocessConfig['output'];
  return out;
}
