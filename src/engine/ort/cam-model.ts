// The onnxruntime executor of the CAM methods, with CamModel's surface (run / predict /
// dispose, the same CamRequest and CamResult) but asynchronous: rcam, gradcam, gradcampp
// and layercam are one compiled graph per (method, options, layer, input size) — forward,
// walk and map in a single session.run; scorecam runs the compiled plain forward, then
// batched masked forwards. Compiled graphs come from the disk cache when present.
import { StudioError } from '../../contract/errors.ts';
import type { Graph } from '../ir.ts';
import { resolveLayer } from '../layer-names.ts';
import { logitsTensor } from '../exec/forward.ts';
import type { CamRequest, CamResult } from '../cams/methods.ts';
import { ScoreCamSum, channelBatch, scoreActivation, scoreCamBatches } from '../cams/scorecam.ts';
import { chosenTargets, targetRows } from '../cams/start.ts';
import { ShapeCache, checkInput, checkTargets, splitLayerMaps, splitMaps } from '../cams/request.ts';
import { WalkPlans, refuseDeepLayers, resolveDeepLayers, walkSpec, walkSpecKey } from '../cams/walk-cam.ts';
import { GraphCache, defaultCacheDir, graphHash } from './cache.ts';
import { IO, compileCam, deepMapName, compileForward, compileScoreCamForward, type CompiledGraph } from './compile.ts';
import { createSession, loadOrt, ortLoadError, sessionThreads, type OpenSession, type OrtModule, type OrtProvider } from './session.ts';

export interface OrtCamModelOptions {
  /** compiled-graph cache folder; null: no disk cache (default: defaultCacheDir()) */
  cacheDir?: string | null;
  /** intra-op threads per session (default RS_ORT_THREADS or 1) */
  threads?: number;
  /** provider order override (default: GPU where available, then cpu) */
  providers?: OrtProvider[];
  /** a precomputed model hash (default: graphHash of the graph, on first compile) */
  modelHash?: string;
}

interface Compiled extends OpenSession {
  meta: Omit<CompiledGraph, 'bytes'>;
}

export class OrtCamModel {
  readonly executor = 'onnxruntime' as const;
  readonly logitsName: string;
  readonly outputActivation: 'softmax' | 'sigmoid' | 'none';
  /** compiles done / cache entries read, for tests and reports */
  readonly stats = { compiled: 0, cacheHits: 0 };
  private readonly cache: GraphCache;
  private readonly sessions = new Map<string, Promise<Compiled>>();
  private readonly shapeCache: ShapeCache;
  /** only to check further layers against; a compiled graph plans its own walk */
  private readonly plans: WalkPlans;
  private hash: string | undefined;
  private lastProvider: OrtProvider = 'cpu';

  constructor(
    private readonly ort: OrtModule,
    readonly graph: Graph,
    private readonly opts: OrtCamModelOptions = {},
  ) {
    const l = logitsTensor(graph);
    this.logitsName = l.logits;
    this.outputActivation = l.activation;
    this.cache = new GraphCache(opts.cacheDir === undefined ? defaultCacheDir() : opts.cacheDir);
    this.hash = opts.modelHash;
    this.shapeCache = new ShapeCache(graph);
    this.plans = new WalkPlans(graph);
  }

  /** loads onnxruntime-node; a StudioError when it is not usable here */
  static async create(graph: Graph, opts: OrtCamModelOptions = {}): Promise<OrtCamModel> {
    const ort = await loadOrt();
    if (!ort) throw new StudioError('INTERNAL', `onnxruntime-node could not be loaded (${ortLoadError()}); use RS_EXECUTOR=tfjs`);
    return new OrtCamModel(ort, graph, opts);
  }

  /** intra-op threads of this model's sessions */
  get threads(): number {
    return sessionThreads(this.opts.threads);
  }

  /** the provider of the most recently opened session */
  get provider(): OrtProvider {
    return this.lastProvider;
  }

  get modelHash(): string {
    this.hash ??= graphHash(this.graph);
    return this.hash;
  }

  shapes(hw: [number, number]): Map<string, number[]> {
    return this.shapeCache.get(hw);
  }

  private session(kind: string, build: () => CompiledGraph): Promise<Compiled> {
    let p = this.sessions.get(kind);
    if (!p) {
      p = (async () => {
        let meta: Omit<CompiledGraph, 'bytes'> | null = null;
        const entry = await this.cache.get(this.modelHash, kind, () => {
          const { bytes, ...rest } = build();
          meta = rest;
          return bytes;
        });
        if (entry.hit) this.stats.cacheHits++;
        else this.stats.compiled++;
        const open = await createSession(this.ort, entry.bytes, { threads: this.threads, providers: this.opts.providers });
        this.lastProvider = open.provider;
        return { ...open, meta: meta ?? { classes: 0, featureHW: [0, 0], channels: 0 } };
      })();
      // a failed compile is not cached: the next call tries again
      p.catch(() => this.sessions.delete(kind));
      this.sessions.set(kind, p);
    }
    return p;
  }

  private tensor(data: Float32Array, dims: number[]) {
    return new this.ort.Tensor('float32', data, dims);
  }

  /** logits for a batch [N, H, W, C] (row-major NHWC data) */
  async predict(input: Float32Array, shape: [number, number, number, number]): Promise<Float32Array> {
    const hw: [number, number] = [shape[1], shape[2]];
    const s = await this.session(`forward|${hw.join('x')}`, () => compileForward(this.graph, hw));
    const out = await s.session.run({ [IO.image]: this.tensor(input, shape) });
    return out[IO.logits].data as Float32Array;
  }

  /** CAMs of one image (`input` NHWC [1, H, W, C], already preprocessed) */
  async run(input: Float32Array, hw: [number, number], req: CamRequest): Promise<CamResult> {
    const layerTensor = resolveLayer(this.graph, req.layer);
    const shapes = this.shapes(hw);
    const { channels } = checkInput(this.graph, shapes, req.layer, layerTensor, input, hw);
    const classes = (shapes.get(this.logitsName) as number[]).reduce((a, b) => a * b, 1);
    if (req.targets) checkTargets(req.targets, classes);
    if (req.method === 'scorecam') {
      refuseDeepLayers(req);
      return this.scoreCam(input, hw, req, layerTensor, classes);
    }
    const spec0 = walkSpec(req, layerTensor, []);
    const deepTensors = req.deepLayers?.length ? resolveDeepLayers(this.graph, this.plans.get(spec0), shapes, req) : [];
    const spec = { ...spec0, deepTensors };
    const kind = `${walkSpecKey(spec)}|${hw.join('x')}`;
    const t0 = performance.now();
    const s = await this.session(kind, () => compileCam(this.graph, { ...spec, hw }));
    const t1 = performance.now();
    const rows = targetRows(req.targets, classes);
    const out = await s.session.run({
      [IO.image]: this.tensor(input, [1, hw[0], hw[1], channels]),
      [IO.rows]: this.tensor(rows.rows, [rows.count, classes]),
      [IO.auto]: this.tensor(rows.auto, [rows.count, 1]),
    });
    const logits = (out[IO.logits].data as Float32Array).slice();
    const data = [IO.map as string, ...deepTensors.map((_, i) => deepMapName(i))].map((n) => out[n].data as Float32Array);
    const t2 = performance.now();
    const targets = chosenTargets(rows, out[IO.target].data as Float32Array);
    const deep = (req.deepLayers ?? []).map((layer, i) => ({ layer, layerTensor: deepTensors[i] }));
    return {
      logits,
      layerTensor,
      ...splitLayerMaps(data, targets, shapes, layerTensor, deep),
      timings: { backend: `onnxruntime-${s.provider}`, executor: 'onnxruntime', provider: s.provider, threads: this.threads, fused: true, forward_ms: 0, map_ms: t2 - t1, compile_ms: t1 - t0 },
    };
  }

  /**
   * Score-CAM (docs/engine.md §7.4), as CamModel.scoreCam: the compiled plain forward gives
   * the logits and A; channel batches run through the compiled masked forward
   * (cams/scorecam.ts maskedScores: resize, min-max, mask, forward, scores in-graph).
   */
  private async scoreCam(input: Float32Array, hw: [number, number], req: CamRequest, layerTensor: string, classes: number): Promise<CamResult> {
    const activation = scoreActivation(req, this.outputActivation);
    const c0 = performance.now();
    const fwdS = await this.session(`forward|${layerTensor}|${hw.join('x')}`, () => compileForward(this.graph, hw, layerTensor));
    const [h, w] = fwdS.meta.featureHW[0] ? fwdS.meta.featureHW : (this.shapes(hw).get(layerTensor) as [number, number]);
    const maskS = await this.session(`scoremask|${activation}|${h}x${w}|${hw.join('x')}`, () => compileScoreCamForward(this.graph, hw, [h, w], activation));
    const t0 = performance.now();
    const image = this.tensor(input, [1, hw[0], hw[1], input.length / (hw[0] * hw[1])]);
    const fo = await fwdS.session.run({ [IO.image]: image });
    const logits = (fo[IO.logits].data as Float32Array).slice();
    const a = fo[IO.activation].data as Float32Array; // [1, K, h, w]
    const k = a.length / (h * w);
    const t1 = performance.now();
    const targets = chosenTargets(targetRows(req.targets, classes), fo[IO.target].data as Float32Array);
    const sum = new ScoreCamSum(a, k, h * w, targets);
    for (const chunk of scoreCamBatches(a, k, h * w, req)) {
      const out = await maskS.session.run({ [IO.image]: image, [IO.channels]: this.tensor(channelBatch(a, h * w, chunk), [chunk.length, 1, h, w]) });
      sum.add(chunk, out[IO.scores].data as Float32Array, classes);
    }
    const data = sum.maps();
    const t2 = performance.now();
    return {
      logits,
      layerTensor,
      maps: splitMaps(data, targets, h, w, true),
      deep: [],
      timings: { backend: `onnxruntime-${fwdS.provider}`, executor: 'onnxruntime', provider: fwdS.provider, threads: this.threads, forward_ms: t1 - t0, map_ms: t2 - t1, compile_ms: t0 - c0 },
    };
  }

  /** releases every session */
  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) {
      const s = await p.catch(() => null);
      await s?.session.release();
    }
  }
}
