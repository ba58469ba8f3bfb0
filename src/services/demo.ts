// The demo working copy `npm start` opens: demo/ stays read-only, so its dataset and model
// are copied into the user's data folder and imported there through the Project API.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerModel } from '../jobs/index.ts';
import { createProject, DB_FILE, openProject, type Project } from '../project/index.ts';

export const DEMO_DIR = fileURLToPath(new URL('../../demo', import.meta.url));

/** RS_DATA_DIR, else $XDG_DATA_HOME/relevance-studio, else ~/.local/share/relevance-studio. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RS_DATA_DIR) return env.RS_DATA_DIR;
  const base = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(base, 'relevance-studio');
}

interface DemoManifest {
  name?: string;
  dataset?: string;
  layout?: 'voc' | 'folders' | 'csv' | 'json';
  /** the demo classifier, relative to the demo folder */
  model?: { file?: string };
}

export interface DemoCopy {
  project: Project;
  /** what happened, one line each, for the console */
  notes: string[];
}

/**
 * Opens the demo working copy in `into`, making it on first use. A copy that exists but
 * holds no images (an interrupted first start) is imported again; import skips what it has.
 */
export async function openDemoCopy(into: string, demoDir = DEMO_DIR): Promise<DemoCopy> {
  const notes: string[] = [];
  const manifest = readManifest(demoDir);
  const datasetSrc = join(demoDir, manifest.dataset ?? 'dataset');
  const fresh = !existsSync(join(into, DB_FILE));
  const project = fresh ? createProject(into, { name: manifest.name ?? 'Demo' }) : openProject(into);
  try {
    if (!existsSync(datasetSrc)) {
      notes.push(`the demo dataset (${datasetSrc}) is not there: opening an empty project`);
      return { project, notes };
    }
    if (fresh || project.info().images === 0) {
      const datasetCopy = join(into, 'dataset');
      cpSync(datasetSrc, datasetCopy, { recursive: true, force: false, errorOnExist: false });
      const modelSrc = join(demoDir, 'model');
      if (existsSync(modelSrc)) cpSync(modelSrc, join(into, 'model'), { recursive: true, force: false, errorOnExist: false });
      // the demo's exact masks are the reference the compare view scores against; the
      // working masks are what the newcomer generates, so they start empty
      const report = await project.importDataset(datasetCopy, { layout: manifest.layout ?? 'voc', masks: 'ground-truth' });
      notes.push(`demo project made in ${into}: ${report.added} images imported${report.errors.length ? `, ${report.errors.length} skipped` : ''}`);
    } else {
      notes.push(`opening the demo project in ${into}`);
    }
    const modelFile = join(into, manifest.model?.file ?? 'model/classifier.onnx');
    if (project.models.list().length === 0 && existsSync(modelFile)) {
      const reg = await registerModel(project, modelFile);
      notes.push(`demo classifier registered (model ${reg.model.id}): generate masks from the Generate panel or \`npm run studio -- generate ${into}\``);
    }
  } catch (err) {
    project.close();
    throw err;
  }
  return { project, notes };
}

function readManifest(demoDir: string): DemoManifest {
  try {
    return JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as DemoManifest;
  } catch {
    return {};
  }
}
