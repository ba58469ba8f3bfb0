// Paths the renderer may name. The renderer addresses images and masks by id; the only
// paths it may send are ones the user picked in a native dialog in this session (main
// grants them when the dialog returns). Everything else is refused, whatever it looks
// like. Pure (no Electron), so the rule is tested directly.
import { isAbsolute, relative, resolve } from 'node:path';
import { StudioError } from '../src/contract/errors.ts';

export type GrantKind = 'folder' | 'file' | 'save';

export interface Grant {
  path: string;
  kind: GrantKind;
  purpose: string;
}

/** True when `p` is `root` itself or lies below it (after resolving `..`). */
export function isInside(root: string, p: string): boolean {
  const rel = relative(resolve(root), resolve(p));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export class PathGrants {
  private readonly grants = new Map<string, Grant>();

  /** Called by main with what a native dialog returned. */
  grant(path: string, kind: GrantKind, purpose: string): Grant {
    const g = { path: resolve(path), kind, purpose };
    this.grants.set(g.path, g);
    return g;
  }

  /**
   * The granted path `raw` names, for a use of `purpose`. A folder grant also covers what
   * lies inside it only when `inside` is set (e.g. an export folder's files); by default
   * the path must be exactly what the dialog returned.
   */
  check(raw: unknown, purpose: string, opts: { inside?: boolean } = {}): string {
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096 || raw.includes('\0')) {
      throw new StudioError('BAD_REQUEST', `${purpose}: the path must be a non-empty string`);
    }
    if (!isAbsolute(raw)) throw new StudioError('UNAUTHORIZED', `${purpose}: '${raw.slice(0, 200)}' is not a path chosen in a dialog`);
    const p = resolve(raw);
    const exact = this.grants.get(p);
    if (exact && exact.purpose === purpose) return p;
    if (opts.inside) {
      for (const g of this.grants.values()) if (g.kind === 'folder' && g.purpose === purpose && isInside(g.path, p)) return p;
    }
    throw new StudioError('UNAUTHORIZED', `${purpose}: '${p.slice(0, 200)}' was not chosen in a dialog for this`);
  }

  has(path: string): boolean {
    return this.grants.has(resolve(path));
  }

  revokeAll(): void {
    this.grants.clear();
  }
}
