// The contract of the in-app path chooser (browser mode; the desktop app uses native
// dialogs): folder listings with names, sizes and dates — never a file's contents.

export const CHOOSER_PURPOSES = ['dataset', 'model', 'project', 'new-project', 'export'] as const;
export type ChooserPurpose = (typeof CHOOSER_PURPOSES)[number];

export interface FolderRequest {
  /** absolute; absent: the last folder chosen for this purpose, else the home folder */
  path?: string;
  purpose: ChooserPurpose;
  /** list names that start with a dot too */
  hidden?: boolean;
  /** a path that does not exist (yet) lists its nearest existing folder instead of being refused */
  nearest?: boolean;
}

export interface FolderEntry {
  name: string;
  path: string;
  kind: 'folder' | 'file';
  /** bytes (files) */
  size: number | null;
  /** ISO time of the last change */
  modified: string | null;
  /** this entry can be chosen for the purpose (a model file, a tag list, a dataset folder…) */
  choosable: boolean;
  /** what it looks like: 'project', 'VOC dataset', 'ONNX model', 'tag list' … */
  hint?: string;
}

export interface ChooserPlace {
  label: string;
  path: string;
  kind: 'home' | 'project' | 'demo' | 'recent' | 'root';
}

export interface FolderListing {
  path: string;
  /** null at the root */
  parent: string | null;
  /** the path separator of the studio's machine */
  sep: string;
  /** the listed folder itself can be chosen for the purpose */
  choosable: boolean;
  hint?: string;
  /** a typed file path was listed as its folder: that file's name */
  selected?: string;
  entries: FolderEntry[];
  /** entries left out beyond the listing limit */
  truncated: number;
  places: ChooserPlace[];
}

export interface FilesApi {
  /** one folder's entries; kernel filesystems (/proc, /sys, /dev) and links into them are refused */
  listFolder(req: FolderRequest): Promise<FolderListing>;
}
