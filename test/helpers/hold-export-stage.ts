// A second process for export-target tests: takes the export target argv[3] for the
// project argv[2] (the target lock and its own staging folder), writes two files into the
// stage, prints "staged <stage dir>", and commits them when stdin ends (prints "committed").
import { ExportWriter } from '../../src/export/files.ts';
import { stageExport } from '../../src/export/stage.ts';
import { checkExportTarget, ProjectFiles } from '../../src/export/target.ts';
import { openProject } from '../../src/project/index.ts';

const [dir, out] = process.argv.slice(2);
const project = openProject(dir);
const files = new ProjectFiles(project);
const real = checkExportTarget(out, { overwrite: true, projectDir: project.dir, files });
const stage = stageExport(real, { overwrite: true, files });
const w = new ExportWriter(stage.dir);
w.write('classes.txt', 'background\nheld\n');
w.write('SegmentationClass/held.png', 'not really a png');
process.stdout.write(`staged ${stage.dir}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  stage.commit({ format: 'voc', images: 1, files: w.files, skipped: 0 }, w.written);
  project.close();
  process.stdout.write('committed\n');
  process.exit(0);
});
