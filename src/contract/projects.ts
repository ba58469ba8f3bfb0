// The contract of the Projects home, the import wizard and the model dialog: types and plain
// constants only, imported by api.ts into StudioApi/StudioEvents. Paths here are absolute
// folders and files the user chose (in the in-app chooser or a native dialog).
import type { DatasetLayout } from './core.ts';
import type { CamLayerName, ModelSummary, ResolvedLayer } from './generation.ts';

export { DATASET_LAYOUTS, type DatasetLayout } from './core.ts';

/** the open project: what the header names and the Projects home marks as current */
export interface CurrentProject {
  path: string;
  name: string;
}

/** One card of the Projects home. */
export interface ProjectCard {
  path: string;
  name: string;
  /** when this studio last opened it (ISO) */
  openedAt: string;
  current: boolean;
  /** null when the project could not be read: `problem` says why */
  stats: { images: number; masks: number; approved: number; classes: number } | null;
  problem?: string;
}

export interface NewProjectRequest {
  name: string;
  /** the folder the project folder is made in */
  parent: string;
  /** the project folder's own name inside `parent` (one path segment) */
  folder: string;
}

export interface DatasetRequest {
  /** a dataset folder, or a CSV/JSON tag list (its folder is then the dataset) */
  path: string;
  /** absent: detected */
  layout?: DatasetLayout;
}

export interface DatasetClassCount {
  name: string;
  /** images the dataset tags with it (VOC: from the annotations) */
  images: number;
  /** the project already has this class (else the import creates it) */
  inProject: boolean;
}

export interface DatasetProblem {
  file: string;
  message: string;
}

/** What an import would do, found without changing the project. */
export interface DatasetDryRun {
  /** the dataset folder */
  dir: string;
  layout: DatasetLayout;
  /** what detection picks for this path (the layout above may be the user's choice) */
  detected: DatasetLayout | null;
  /** the layouts this folder can be read as */
  layouts: DatasetLayout[];
  /** the CSV/JSON tag list read (csv/json layouts) */
  tagsFile: string | null;
  images: number;
  untagged: number;
  classes: DatasetClassCount[];
  splits: { train: number; val: number; test: number; none: number };
  /** ground-truth masks found (VOC SegmentationClass/) */
  masks: number;
  /** images already in the project (same file): skipped by the import */
  alreadyInProject: number;
  /** the first problems (unreadable files, tags naming no class, duplicates) */
  problems: DatasetProblem[];
  problemCount: number;
  /** image headers read to find unreadable files (a sample of a large dataset) */
  headersChecked: number;
}

export interface ImportRequest {
  path: string;
  layout: DatasetLayout;
  /** what a VOC dataset's own masks become: the working masks, or reference masks beside them */
  masks: 'current' | 'ground-truth';
}

export type ImportState = 'running' | 'done' | 'cancelled' | 'failed';

export interface ImportSummary {
  layout: DatasetLayout;
  added: number;
  skipped: number;
  masks: number;
  newClasses: string[];
  /** the first problems (up to 100) */
  errors: DatasetProblem[];
  errorCount: number;
  seconds: number;
}

// a type literal (see jobs.ts' JobProgress)
export type ImportProgress = {
  jobId: number;
  state: ImportState;
  /** the dataset folder */
  dir: string;
  done: number;
  total: number;
  /** the file being read */
  file?: string;
  /** set on the finished record */
  summary?: ImportSummary;
  /** set when state is 'failed' */
  message?: string;
};

/** What a model file holds, read before it is added. */
export interface ModelInspection {
  path: string;
  /** the file name shown (model.json with its folder) */
  name: string;
  format: ModelSummary['format'];
  bytes: number;
  inputSize: [number, number];
  preprocess: {
    channels: 'RGB' | 'BGR' | 'GRAY';
    scale: number;
    mean: number[];
    std: number[];
    output: string;
    /** preprocess.json, or what filled the fields it lacks */
    source: string;
  };
  /** classes.txt beside the model */
  classesFile: string;
  /** the model's class names in output order */
  classes: string[];
  /** project classes the model has no output for */
  missing: string[];
  /** model classes the project lacks (adding the model creates them) */
  extra: string[];
  /** the executor that will run it (onnxruntime or tfjs) */
  executor: string;
  /** what layer1..layer4 resolve to, with their shapes [h, w, c] at the input size */
  layers: ResolvedLayer[];
  /** the id when this file (by content) is already added */
  addedAs: number | null;
}

export interface TryModelRequest {
  path: string;
  imageId: number;
  layer: CamLayerName;
}

export interface TryModelResult {
  imageId: number;
  layer: string;
  layerTensor: string;
  /** the executor label that ran it, e.g. onnxruntime-cpu */
  executor: string;
  ms: number;
  /** the explained class: the image's tag the model knows best, else the top prediction */
  target: { name: string; probability: number; tagged: boolean };
  top: { name: string; probability: number }[];
  /** the Relevance-CAM map at feature resolution, min-max normalised to 0..1, row-major */
  map: { width: number; height: number; values: number[] };
}

export interface ProjectsApi {
  /** the open project, or null (the Projects home only) */
  currentProject(): Promise<CurrentProject | null>;
  /** recently opened projects, newest first, with their numbers */
  recentProjects(): Promise<ProjectCard[]>;
  /** makes an empty project in parent/folder and opens it; refused while a job runs in the open one */
  createProject(req: NewProjectRequest): Promise<CurrentProject>;
  /** opens the project in that folder; refused while a job runs in the open one */
  openProject(path: string): Promise<CurrentProject>;
  /** removes a project from the recent list (its folder stays) */
  forgetProject(path: string): Promise<void>;

  /** the dry run: what importing this dataset into the open project would do */
  inspectDataset(req: DatasetRequest): Promise<DatasetDryRun>;
  /** starts the import as a background job ('import.progress' events); one at a time */
  startImport(req: ImportRequest): Promise<{ jobId: number }>;
  /** stops after the batch in flight (what is stored stays); false when not running */
  cancelImport(jobId: number): Promise<boolean>;
  /** the running import, else the last one of this session, else null */
  importStatus(): Promise<ImportProgress | null>;

  /** what a model file holds, before it is added; refusals name the file and the field or node */
  inspectModel(path: string): Promise<ModelInspection>;
  /** one Relevance-CAM of a not-yet-added model on a project image */
  tryModel(req: TryModelRequest): Promise<TryModelResult>;
  /** adds the model to the project and makes it the active one */
  addModel(path: string): Promise<ModelSummary>;
  /** removes a model from the project (its file and the masks made with it stay) */
  removeModel(id: number): Promise<void>;
  /** the model generation uses when none is named */
  setActiveModel(id: number): Promise<void>;
}

export interface ProjectsEvents {
  /** an import job's progress, throttled */
  'import.progress': ImportProgress;
  /** the final record of an import */
  'import.finished': ImportProgress;
}
