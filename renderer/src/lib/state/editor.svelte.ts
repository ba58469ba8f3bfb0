// One editor session: the framework-free EditorCore plus what the panels show (the core's
// snapshot, renewed on its 'state' events: one source of truth), loading images and masks
// through the API, autosaving each run of changes, and moving through the grid's list.
import type { CamInfo, ImageSummary, MaskVersionInfo, ReviewStatus } from '../../../../src/contract/api.ts';
import { DEFAULT_CAM_LAYER, DEFAULT_CAM_METHOD } from '../../../../src/contract/generation.ts';
import { CamField } from '../../../../src/masks/cam-field.ts';
import { decodeLabelPngAsync, encodeLabelPngAsync, webZlib } from '../../../../src/masks/png.ts';
import { Autosaver, type SaveState } from '../../../editor/autosave.ts';
import type { CanvasHost } from '../../../editor/dom/canvas-host.ts';
import { EditorCore, type EditorSnapshot, type HoverPixel } from '../../../editor/editor.ts';
import type { Command } from '../../../editor/keymap.ts';
import { emptyLabels } from '../../../editor/labels.ts';
import type { StudioClient } from '../api.ts';
import { plural } from '../format.ts';
import type { GridState } from './grid.svelte.ts';
import type { ProjectState } from './project.svelte.ts';

interface Loaded {
  image: ImageSummary;
  bytes: Uint8Array;
  mask: Uint8Array;
}

/** Which stored CAMs the editor shows: the studio's default method and layer when present. */
function pickCamSet(cams: CamInfo[]): CamInfo[] {
  if (!cams.length) return [];
  const score = (c: CamInfo) => (c.method === DEFAULT_CAM_METHOD ? 2 : 0) + (c.layer === DEFAULT_CAM_LAYER ? 1 : 0);
  const best = [...cams].sort((a, b) => score(b) - score(a))[0];
  return cams.filter((c) => c.method === best.method && c.layer === best.layer && c.modelHash === best.modelHash);
}

export class EditorSession {
  readonly core = new EditorCore();
  readonly saver: Autosaver;
  image = $state.raw<ImageSummary | null>(null);
  versions = $state.raw<MaskVersionInfo[]>([]);
  cams = $state.raw<CamInfo[]>([]);
  camSource = $state<string | null>(null);
  index = $state<number | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  saveState = $state<SaveState>('saved');
  saveError = $state<string | null>(null);
  /** the core's tool, class, classes, sizes, toggles and undo/redo: renewed on its 'state' events */
  view = $state.raw<EditorSnapshot>(this.core.snapshot());
  /** the pixel under the pointer and its label (the status line) */
  hover = $state.raw<HoverPixel | null>(null);
  /** the shortcut overlay (?) */
  helpOpen = $state(false);
  /** the label under the pointer, named (null: off the image) */
  readonly hoverName = $derived.by(() => {
    const h = this.hover;
    if (!h) return null;
    if (h.label === 0) return 'background';
    if (h.label === 255) return 'ignore';
    return this.view.classes.find((c) => c.index === h.label)?.name ?? `label ${h.label}`;
  });

  #host: CanvasHost | null = null;
  #imageUrl: string | null = null;
  readonly #prefetched = new Map<number, Promise<Loaded>>();
  #openSeq = 0;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly client: StudioClient,
    private readonly grid: GridState,
    private readonly project: ProjectState,
  ) {
    this.saver = new Autosaver(
      () => this.core.labels,
      (s) => this.#store(s.labels),
      (state, err) => {
        this.saveState = state;
        this.saveError = err;
      },
    );
    this.#unsubscribe.push(
      this.core.on('state', () => (this.view = this.core.snapshot())),
      this.core.on('hover', (h) => (this.hover = h)),
      this.core.on('commit', (c) => this.saver.request(c.revision, c.rect)),
      this.core.on('notice', (m) => this.say(m)),
    );
    this.syncClasses();
  }

  dispose(): void {
    for (const u of this.#unsubscribe.splice(0)) u();
    if (this.#imageUrl) URL.revokeObjectURL(this.#imageUrl);
  }

  attach(host: CanvasHost | null): void {
    this.#host = host;
  }

  /** The project's classes (loaded, renamed, recoloured) into the core. */
  syncClasses(): void {
    const classes = this.project.info?.classes ?? [];
    this.core.setClasses(classes.map((c) => ({ index: c.index, name: c.name, color: c.color })));
  }

  say(message: string): void {
    this.notice = message;
    clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice = null), 3500);
  }

  // ---- loading ----

  #fetch(id: number): Promise<Loaded> {
    let p = this.#prefetched.get(id);
    if (!p) {
      p = Promise.all([this.client.getImage(id), this.client.imageBytes(id), this.client.maskPng(id, null)]).then(([image, bytes, mask]) => ({ image, bytes, mask }));
      this.#prefetched.set(id, p);
      p.catch(() => this.#prefetched.delete(id));
    }
    return p;
  }

  /**
   * Opens image `id`: the pending saves of the current image land first. When they fail the
   * editor stays where it is (opening another mask would drop them) and keeps retrying; asking
   * again for the same image while the same changes still fail leaves them unsaved, so a
   * save that can never succeed can't trap the user. Returns whether `id` was opened (false
   * too when a newer open() superseded this one).
   */
  async open(id: number, index: number | null = null): Promise<boolean> {
    const seq = ++this.#openSeq;
    performance.mark('editor-open-start');
    this.loading = true;
    this.error = null;
    try {
      if (!(await this.#settlePrevious(id))) {
        // the address bar goes back to the image still open
        if (this.image && seq === this.#openSeq) this.onNavigate(this.image.id);
        return false;
      }
      const loaded = await this.#fetch(id);
      this.#prefetched.delete(id);
      if (seq !== this.#openSeq) return false;
      const { image, bytes, mask } = loaded;
      const labels = emptyLabels(image.width, image.height);
      if (mask.length) {
        const m = await decodeLabelPngAsync(mask, webZlib, 'the stored mask');
        if (m.width !== image.width || m.height !== image.height) throw new Error(`the stored mask is ${m.width}x${m.height}, the image ${image.width}x${image.height}`);
        labels.data.set(m.labels);
      }
      if (seq !== this.#openSeq) return false;
      this.image = image;
      // paint with a class the image is tagged with, unless the chosen one already is
      if (image.tags.length && !image.tags.includes(this.core.activeClass)) this.core.setActiveClass(image.tags[0]);
      this.versions = [];
      this.cams = [];
      this.camSource = null;
      this.core.setCams([]);
      this.core.load(labels);
      this.saver.reset(0);
      if (this.#imageUrl) URL.revokeObjectURL(this.#imageUrl);
      this.#imageUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      await this.#host?.setImage(this.#imageUrl, image.width, image.height);
      // superseded by a newer open: that one decides where the editor ends up
      if (seq !== this.#openSeq) return false;
      performance.measure('editor-open', 'editor-open-start');
      this.index = index ?? (await this.grid.indexOf(id));
      void this.#loadSide(id, seq);
      this.#prefetchNeighbours();
      return true;
    } catch (err) {
      if (seq === this.#openSeq) this.error = (err as Error).message;
      return false;
    } finally {
      if (seq === this.#openSeq) this.loading = false;
    }
  }

  /** the unsaved revisions the user was warned about, and the image they wanted next */
  #leaveWarning: { pending: string; next: number } | null = null;

  /**
   * Lets the open image go before `next` is opened: true once every change is stored, or
   * when the user asks for `next` a second time while the same changes still fail.
   */
  async #settlePrevious(next: number): Promise<boolean> {
    try {
      await this.saver.flush();
      this.#leaveWarning = null;
      return true;
    } catch (err) {
      const pending = this.saver.pending.join(',');
      const name = this.image?.name ?? 'this image';
      if (this.#leaveWarning?.pending === pending && this.#leaveWarning.next === next) {
        this.#leaveWarning = null;
        this.say(`Left ${name} with ${plural(this.saver.pending.length, 'change')} not saved — ${(err as Error).message}`);
        return true;
      }
      this.#leaveWarning = { pending, next };
      const n = this.saver.pending.length;
      this.say(`${name}: ${plural(n, 'change')} not saved yet — ${(err as Error).message}. Staying on it and retrying; move on again to leave ${n === 1 ? 'it' : 'them'} unsaved.`);
      return false;
    }
  }

  /** Version history and CAMs: not needed for the first paint. */
  async #loadSide(id: number, seq: number): Promise<void> {
    try {
      const [versions, cams] = await Promise.all([this.client.maskVersions(id), this.client.listCams(id)]);
      if (seq !== this.#openSeq) return;
      this.versions = versions;
      this.cams = cams;
      const set = pickCamSet(cams);
      if (!set.length || !this.image) return;
      const img = this.image;
      const fields = await Promise.all(set.map(async (c) => new CamField({ classIndex: c.classIndex, h: c.height, w: c.width, f16: await this.client.camData(c) }, img.width, img.height)));
      if (seq !== this.#openSeq) return;
      this.core.setCams(fields);
      this.camSource = `${set[0].method} · ${set[0].layer}`;
    } catch (err) {
      this.say(`Could not load the image's history or CAMs: ${(err as Error).message}`);
    }
  }

  #prefetchNeighbours(): void {
    if (this.index === null) return;
    for (const k of [this.index + 1, this.index - 1]) {
      void this.grid.itemAt(k).then((it) => {
        if (it && !this.#prefetched.has(it.id) && this.#prefetched.size < 4) void this.#fetch(it.id).catch(() => undefined);
      });
    }
  }

  // ---- saving ----

  async #store(labels: Uint8Array): Promise<void> {
    const img = this.image;
    if (!img) return;
    const png = await encodeLabelPngAsync(labels, img.width, img.height, webZlib);
    const saved = await this.client.saveMask(img.id, png);
    if (this.image?.id !== img.id) return;
    const first = !img.hasMask || img.status !== saved.status;
    this.#setImage({ ...img, status: saved.status, hasMask: true, maskId: saved.version.id });
    // the header's counts (masks, review progress) change with a first mask or a new status
    if (first) void this.project.load();
    // an edit equal to the generated mask makes that version current again (no new one)
    const known = this.versions.some((v) => v.id === saved.version.id);
    this.versions = known
      ? this.versions.map((v) => ({ ...v, current: v.id === saved.version.id }))
      : [...this.versions.map((v) => ({ ...v, current: false })), saved.version];
  }

  #setImage(img: ImageSummary): void {
    this.image = img;
    this.grid.updateItem(img);
  }

  // ---- review ----

  /** Sets the status (approval stores the mask first when it was never saved). */
  async setStatus(status: ReviewStatus): Promise<boolean> {
    const img = this.image;
    if (!img) return false;
    try {
      await this.saver.flush();
      if (status === 'approved' && !this.versions.some((v) => v.current) && !img.hasMask) await this.#store(this.core.labels.data.slice());
      await this.client.setStatus([img.id], status);
      const cur = this.image?.id === img.id ? this.image : img;
      this.#setImage({ ...cur, status });
      void this.project.load();
      if (status === 'approved') this.versions = this.versions.map((v) => (v.current ? { ...v, frozen: true } : v));
      return true;
    } catch (err) {
      this.say(`Could not set the status: ${(err as Error).message}`);
      return false;
    }
  }

  async step(dir: 1 | -1): Promise<void> {
    if (this.index === null) return;
    const next = await this.grid.itemAt(this.index + dir);
    if (!next) {
      this.say(dir > 0 ? 'This is the last image of the list' : 'This is the first image of the list');
      return;
    }
    if (await this.open(next.id, this.index + dir)) this.onNavigate(next.id);
  }

  /** set by the view: keeps the address bar on the open image */
  onNavigate: (id: number) => void = () => {};

  async setTags(tags: number[]): Promise<void> {
    const img = this.image;
    if (!img) return;
    try {
      this.#setImage(await this.client.setTags(img.id, tags));
    } catch (err) {
      this.say(`Could not change the tags: ${(err as Error).message}`);
    }
  }

  /** Brings an older version back as a new step (undoable; autosaved as a new version). */
  async restore(version: MaskVersionInfo): Promise<void> {
    const img = this.image;
    if (!img) return;
    try {
      const m = await decodeLabelPngAsync(await this.client.maskPng(img.id, version.id), webZlib, `mask version ${version.id}`);
      this.core.replace(m.labels, `Restore version ${version.id}`);
      this.say(`Version ${version.id} restored — Ctrl+Z undoes it`);
    } catch (err) {
      this.say(`Could not restore: ${(err as Error).message}`);
    }
  }

  /** Carries out a keyboard command. Returns false when it does not apply. */
  run(cmd: Command): boolean {
    const c = this.core;
    switch (cmd.kind) {
      case 'tool':
        c.setTool(cmd.tool);
        return true;
      case 'size':
        c.stepBrushSize(cmd.dir);
        return true;
      case 'class':
        c.pickNth(cmd.n);
        return true;
      case 'undo':
        c.undo();
        return true;
      case 'redo':
        c.redo();
        return true;
      case 'approve-next':
        void this.setStatus('approved').then((ok) => (ok ? this.step(1) : undefined));
        return true;
      case 'reject-next':
        void this.setStatus('rejected').then((ok) => (ok ? this.step(1) : undefined));
        return true;
      case 'next':
        void this.step(1);
        return true;
      case 'previous':
        void this.step(-1);
        return true;
      case 'toggle-heat':
        if (!c.camClasses.length) this.say('No stored CAMs for this image: generate its mask first (Generate masks)');
        c.toggleHeat();
        return true;
      case 'toggle-mask':
        c.toggleMask();
        return true;
      case 'toggle-outline':
        c.setOutline(!c.outline);
        return true;
      case 'fit':
        this.#host?.fit();
        return true;
      case 'help':
        this.helpOpen = !this.helpOpen;
        return true;
      default:
        return false;
    }
  }
}
