// The one door for mask writes: every new mask version (generated, edited, imported,
// ground truth, relabelled by a class merge), every change of the current version
// (restore, a job's rollback) and every review-status change goes through here, and this
// module alone decides what becomes current and what the image's status becomes.
//
// The rules, stated once:
// - A version is never overwritten: a write inserts; only `current` and `frozen` change.
// - Never replace human work: a generated mask becomes current only when nobody owns the
//   image's mask (see humanOwns); otherwise it is kept as a non-current version.
// - Editing is reviewing: an edited (or restored) mask makes the image 'edited'; a
//   generated one makes an unreviewed image 'generated'; an imported one made current on an
//   approved image re-opens review ('edited').
// - Approving freezes the current version (kept forever); a class merge's relabelled
//   version of an approved image stays approved and is frozen too.
import type Database from 'better-sqlite3';
import type { ReviewStatus } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import { assertLabelMap, classesPresent, type LabelMap } from '../masks/labels.ts';
import { labelPngHeader } from '../masks/png.ts';
import { decodeLabelPng, encodeLabelPng } from './png.ts';
import { writeTransaction } from './transaction.ts';
import type { ClassesRepo } from './repos/classes.ts';
import type { ImagesRepo } from './repos/images.ts';
import type { MasksRepo } from './repos/masks.ts';
import type { ImageRecord, MaskProvenance, MaskVersion } from './types.ts';

/**
 * A label PNG our own encoder made, with the classes its label map holds (classesPresent of
 * the labels it was encoded from): a job's mask, stored as encoded — its header is checked
 * and its classes judged, the pixels are not inflated again.
 */
export interface EncodedLabelMap {
  png: Uint8Array;
  classes: readonly number[];
}

/** a label PNG (8-bit grayscale), the label map itself, or a PNG with its classes */
export type MaskInput = Uint8Array | LabelMap | EncodedLabelMap;

/** What a generated write did, and what the image had before (a job's rollback restores it). */
export interface GeneratedWrite {
  version: MaskVersion;
  madeCurrent: boolean;
  /** stored as a non-current version because a person owns the current mask */
  keptHuman: boolean;
  before: { maskId: number | null; status: ReviewStatus };
}

/** A job's write as its job item recorded it. */
export interface JobWrite {
  imageId: number;
  maskId: number;
  prevMaskId: number | null;
  prevStatus: ReviewStatus | null;
}

/** A person owns the image's mask: the image is approved, or its current version was edited, imported or frozen. */
export function humanOwns(status: ReviewStatus, current: MaskVersion | null): boolean {
  return status === 'approved' || (current !== null && (current.provenance.source !== 'generated' || current.frozen));
}

export class MaskWrites {
  constructor(
    private readonly db: Database.Database,
    private readonly images: ImagesRepo,
    private readonly masks: MasksRepo,
    private readonly classes: ClassesRepo,
  ) {}

  /** Whether a generated mask would be kept beside the image's current one (humanOwns). */
  personOwns(imageId: number): boolean {
    return humanOwns(this.images.get(imageId).status, this.masks.currentVersion(imageId));
  }

  /**
   * A job's mask: current unless a person owns the image's mask, or `asVersion` (a job that
   * only adds versions, like the compare view's: the current mask stays whatever it is).
   */
  generated(imageId: number, mask: MaskInput, prov: Omit<MaskProvenance, 'source'>, now = stamp(), asVersion = false): GeneratedWrite {
    return this.tx(() => {
      const img = this.images.get(imageId);
      const png = this.checked(img, mask, 'generated mask');
      const cur = this.masks.currentVersion(imageId);
      const human = humanOwns(img.status, cur);
      const current = !human && !asVersion;
      const version = this.masks.insert(imageId, png, img.width, img.height, { ...prov, source: 'generated' }, current, now);
      if (current && img.status === 'unreviewed') this.images.setStatus(imageId, 'generated');
      return { version, madeCurrent: current, keptHuman: human, before: { maskId: cur?.id ?? null, status: img.status } };
    });
  }

  /**
   * A person's edit: the new current version; the image is 'edited'. `origin`: how the mask
   * was made when the person adopted a method's mask rather than painting it. An edit that
   * brings the labels back to the generated version the current run of edits started from
   * (every stroke undone) is no edit: that version becomes current again, the image
   * 'generated'.
   */
  edited(imageId: number, mask: MaskInput, origin: Omit<MaskProvenance, 'source'> = {}): MaskVersion {
    return this.tx(() => {
      const img = this.images.get(imageId);
      const png = this.checked(img, mask, 'mask');
      const generated = this.editedFrom(imageId);
      if (generated && sameLabels(png, this.masks.png(generated.id))) {
        this.masks.setCurrent(imageId, generated.id);
        this.images.setStatus(imageId, 'generated');
        return { ...generated, current: true };
      }
      const v = this.masks.insert(imageId, png, img.width, img.height, { ...origin, source: 'edited' }, true, stamp());
      this.images.setStatus(imageId, 'edited');
      return v;
    });
  }

  /**
   * The generated version the image's current run of edits started from: the current version
   * is 'edited', and the newest version before that run of edited versions is generated.
   */
  private editedFrom(imageId: number): MaskVersion | null {
    const versions = this.masks.versions(imageId);
    let k = versions.findIndex((v) => v.current);
    if (k < 0 || versions[k].provenance.source !== 'edited') return null;
    while (k >= 0 && versions[k].provenance.source === 'edited') k--;
    const from = k >= 0 ? versions[k] : null;
    return from && from.provenance.source === 'generated' && !from.groundTruth ? from : null;
  }

  /**
   * A mask brought in from outside (a dataset's, import-masks): the working mask when
   * `current` (default: unless it is ground truth only), a reference when `groundTruth`.
   */
  imported(imageId: number, mask: MaskInput, opts: { groundTruth?: boolean; current?: boolean } = {}): MaskVersion {
    const groundTruth = opts.groundTruth ?? false;
    const current = opts.current ?? !groundTruth;
    return this.tx(() => {
      const img = this.images.get(imageId);
      const v = this.masks.insert(imageId, this.checked(img, mask, 'mask'), img.width, img.height, { source: 'imported' }, current, stamp(), groundTruth);
      if (current && img.status === 'approved') this.images.setStatus(imageId, 'edited');
      return v;
    });
  }

  /**
   * The current version with labels rewritten (a class merge): a new current 'edited'
   * version keeping the rest of its provenance and its role; an approved image stays
   * approved, the new version frozen.
   */
  relabelled(imageId: number, mask: MaskInput, of: MaskVersion): MaskVersion {
    return this.tx(() => {
      const img = this.images.get(imageId);
      const v = this.masks.insert(imageId, this.checked(img, mask, 'mask'), img.width, img.height, { ...of.provenance, source: 'edited' }, true, stamp(), of.groundTruth);
      if (img.status === 'approved') this.masks.freezeCurrent(imageId);
      return { ...v, frozen: img.status === 'approved' };
    });
  }

  /** An older version made current again (nothing is deleted); the image is 'edited'. */
  restore(imageId: number, versionId: number): MaskVersion {
    return this.tx(() => {
      const img = this.images.get(imageId);
      const v = this.masks.version(versionId);
      if (!v || v.imageId !== imageId) throw new StudioError('NOT_FOUND', `mask version ${versionId} of image ${imageId} (${img.name}) does not exist`);
      this.masks.setCurrent(imageId, versionId);
      this.images.setStatus(imageId, 'edited');
      return { ...v, current: true };
    });
  }

  /** A review status; 'approved' also freezes the current version. */
  setStatus(imageId: number, status: ReviewStatus): void {
    this.tx(() => {
      this.images.setStatus(imageId, status);
      if (status === 'approved') this.masks.freezeCurrent(imageId);
    });
  }

  /**
   * Takes a job's write back: the version is deleted and, where it is still current, the
   * one before it comes back with the status the job found. A version approved since
   * (frozen) stays. Returns what happened.
   */
  undoJobWrite(w: JobWrite): 'gone' | 'kept-approved' | 'removed' | 'restored' {
    return this.tx(() => {
      const v = this.masks.version(w.maskId);
      if (!v) return 'gone';
      if (v.frozen) return 'kept-approved';
      let restored = false;
      if (v.current) {
        const prev = w.prevMaskId !== null ? this.masks.version(w.prevMaskId) : undefined;
        this.masks.setCurrent(w.imageId, prev ? prev.id : null);
        const status = this.images.get(w.imageId).status;
        if (status === 'generated' && w.prevStatus && w.prevStatus !== 'generated') this.images.setStatus(w.imageId, w.prevStatus);
        else if (status === 'generated' && !prev) this.images.setStatus(w.imageId, 'unreviewed');
        restored = true;
      }
      this.masks.delete(w.maskId);
      return restored ? 'restored' : 'removed';
    });
  }

  /** Retention: prunes old generated, non-current, non-frozen versions beyond `keep` per image. */
  prune(keep: number, imageId?: number): number {
    return this.tx(() => this.masks.prune(keep, imageId));
  }

  /**
   * The label map to store for `img`: an 8-bit grayscale map of the image's size whose
   * every value is background, ignore or a class the project has now — judged inside the
   * write's transaction, so a class merged away while a job ran cannot slip in with it.
   */
  private checked(img: ImageRecord, mask: MaskInput, what: string): Uint8Array {
    const named = `${what} for image ${img.id} (${img.name})`;
    const { png, present } = labelMap(img, mask, named);
    const classes = this.classes.list();
    const known = new Set(classes.map((c) => c.index));
    const bad = present.filter((v) => !known.has(v));
    if (bad.length) {
      const list = bad.slice(0, 8).join(', ') + (bad.length > 8 ? ', …' : '');
      const max = Math.max(0, ...classes.map((c) => c.index));
      throw new StudioError('BAD_REQUEST', `${named}: label value${bad.length > 1 ? 's' : ''} ${list} ${bad.length > 1 ? 'are' : 'is'} no class of this project (0 background, 255 ignore, 1..${max} classes)`);
    }
    return png;
  }

  /** a write door reads then writes: one writing transaction (transaction.ts), or the caller's */
  private tx<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }
}

/**
 * The PNG to store for `img` and the classes its labels hold (not 0, not 255), after checking
 * it is an 8-bit grayscale label map of the image's size.
 */
function labelMap(img: ImageRecord, mask: MaskInput, named: string): { png: Uint8Array; present: readonly number[] } {
  const fits = (w: number, h: number) => {
    if (w !== img.width || h !== img.height) throw new StudioError('BAD_REQUEST', `${named} is ${w}x${h}, the image is ${img.width}x${img.height}`);
  };
  const grayscale = (indexed: boolean) => {
    if (indexed) throw new StudioError('BAD_REQUEST', `${named}: expected an 8-bit grayscale label map, got an indexed PNG`);
  };
  if (mask instanceof Uint8Array) {
    const m = decodeLabelPng(mask, named);
    grayscale(Boolean(m.palette));
    fits(m.width, m.height);
    return { png: mask, present: classesPresent(m.labels) };
  }
  if ('png' in mask) {
    const h = labelPngHeader(mask.png, named);
    grayscale(h.indexed);
    if (h.depth !== 8) throw new StudioError('BAD_REQUEST', `${named}: expected an 8-bit grayscale label map, got a ${h.depth}-bit PNG`);
    fits(h.width, h.height);
    return { png: mask.png, present: mask.classes };
  }
  assertLabelMap(mask.labels, mask.width, mask.height, named);
  fits(mask.width, mask.height);
  return { png: encodeLabelPng(mask.labels, mask.width, mask.height), present: classesPresent(mask.labels) };
}

/** two label PNGs hold the same labels (their bytes may differ: another encoder's zlib) */
function sameLabels(a: Uint8Array, b: Uint8Array): boolean {
  const x = decodeLabelPng(a, 'mask');
  const y = decodeLabelPng(b, 'mask');
  if (x.width !== y.width || x.height !== y.height) return false;
  for (let i = 0; i < x.labels.length; i++) if (x.labels[i] !== y.labels[i]) return false;
  return true;
}

function stamp(): string {
  return new Date().toISOString();
}
