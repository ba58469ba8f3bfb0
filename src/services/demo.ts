// The demo working copy `npm start` opens: demo/ stays read-only, so its dataset and model
// are copied into the user's data folder and imported there through the Project API.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
      const report = await project.importDataset(datasetCopy, { layout: manifest.layout ?? 'voc' });
      notes.push(`demo project made in ${into}: ${report.added} images imported${report.errors.length ? `, ${report.errors.length} skipped` : ''}`);
    } else {
      notes.push(`opening the demo project in ${into}`);
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
