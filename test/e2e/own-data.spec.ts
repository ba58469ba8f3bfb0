// A new user's own data, start to finish, in the page only (browser mode, no terminal):
// the studio starts with no project; a project is created; a folder-per-class dataset and a
// VOC dataset with SegmentationClass are imported through the in-app chooser; the demo ONNX
// classifier is added (its layer2 tensor and shape shown, tried on an image first); masks
// are generated, one is edited, and a VOC export is written. Real files throughout: demo
// scenes copied into temp folders, the committed demo model. Screenshots at 1440×900 and
// 1024×768 go to test-results/ (docs/first-run-*.png are taken from them).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decodeLabelPng } from '../../src/project/png.ts';
import { openProject } from '../../src/project/index.ts';
import { serveStudio, type ServedStudio } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { watchErrors } from './fixture.ts';

const DEMO = path.resolve(import.meta.dirname, '../../demo');
/** single-object demo scenes, one folder per class */
const FOLDERS: Record<string, string> = { Bag: 'scene_0002', Pullover: 'scene_0005', 'Ankle boot': 'scene_0008', Trouser: 'scene_0010' };
/** demo scenes with their exact masks (SegmentationClass) */
const VOC = ['scene_0000', 'scene_0001', 'scene_0003', 'scene_0004', 'scene_0006', 'scene_0007'];
const TOTAL = Object.keys(FOLDERS).length + VOC.length;

let tmp: ReturnType<typeof tempDir>;
let served: ServedStudio;
let foldersDir: string;
let vocDir: string;
let modelFile: string;

function makeDatasets(root: string): void {
  foldersDir = path.join(root, 'shop-photos');
  for (const [cls, stem] of Object.entries(FOLDERS)) {
    mkdirSync(path.join(foldersDir, cls), { recursive: true });
    copyFileSync(path.join(DEMO, 'dataset', 'JPEGImages', `${stem}.jpg`), path.join(foldersDir, cls, `${stem}.jpg`));
  }
  vocDir = path.join(root, 'scenes-voc');
  for (const sub of ['JPEGImages', 'Annotations', 'SegmentationClass', 'ImageSets/Segmentation']) mkdirSync(path.join(vocDir, sub), { recursive: true });
  for (const stem of VOC) {
    copyFileSync(path.join(DEMO, 'dataset', 'JPEGImages', `${stem}.jpg`), path.join(vocDir, 'JPEGImages', `${stem}.jpg`));
    copyFileSync(path.join(DEMO, 'dataset', 'Annotations', `${stem}.xml`), path.join(vocDir, 'Annotations', `${stem}.xml`));
    copyFileSync(path.join(DEMO, 'dataset', 'SegmentationClass', `${stem}.png`), path.join(vocDir, 'SegmentationClass', `${stem}.png`));
  }
  writeFileSync(path.join(vocDir, 'ImageSets', 'Segmentation', 'train.txt'), VOC.slice(0, 4).join('\n') + '\n');
  writeFileSync(path.join(vocDir, 'ImageSets', 'Segmentation', 'val.txt'), VOC.slice(4).join('\n') + '\n');
  copyFileSync(path.join(DEMO, 'dataset', 'classes.txt'), path.join(vocDir, 'classes.txt'));
  // the demo classifier as a user keeps a model: the ONNX file with its class list and preprocessing
  const models = path.join(root, 'models');
  mkdirSync(models);
  for (const f of ['classifier.onnx', 'classes.txt', 'preprocess.json']) copyFileSync(path.join(DEMO, 'model', f), path.join(models, f));
  modelFile = path.join(models, 'classifier.onnx');
}

test.beforeAll(async () => {
  tmp = tempDir('studio-e2e-own-');
  makeDatasets(tmp.dir);
  mkdirSync(path.join(tmp.dir, 'projects'));
  served = await serveStudio(null, { dataDir: path.join(tmp.dir, 'data') });
});

test.afterAll(async () => {
  await served?.close();
  tmp?.cleanup();
});

/** In the in-app chooser: type a path, go there, take what the action button offers. */
async function choose(page: Page, where: string, expectChoice: RegExp): Promise<void> {
  const chooser = page.getByTestId('chooser');
  await expect(chooser).toBeVisible();
  await chooser.getByTestId('chooser-path').fill(where);
  await chooser.getByTestId('chooser-path').press('Enter');
  await expect(chooser.getByTestId('chooser-choice')).toContainText(expectChoice);
  await chooser.getByTestId('chooser-choose').click();
  await expect(chooser).toHaveCount(0);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(250); // transitions and thumbnails settle
  await page.screenshot({ path: `test-results/${name}.png`, animations: 'disabled' });
}

async function shotBoth(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await shot(page, `${name}-1440`);
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, `${name}-1024`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

test('own data, start to finish, with no terminal', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  const refusedCalls: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) refusedCalls.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(served.server.url);

  // no project: the Projects home, with the way in
  await expect(page.getByTestId('projects-home')).toBeVisible();
  await expect(page.getByTestId('no-projects')).toBeVisible();
  await shotBoth(page, 'first-run-home');

  // a new project, made in a folder chosen in the chooser
  await page.getByTestId('new-project').click();
  const np = page.getByTestId('new-project-dialog');
  await np.getByTestId('new-project-name').fill('Fashion shop');
  await np.getByTestId('new-project-browse').click();
  await choose(page, path.join(tmp.dir, 'projects'), /Make it here projects/);
  await expect(np.getByTestId('new-project-target')).toHaveText(path.join(tmp.dir, 'projects', 'Fashion-shop'));
  await shot(page, 'first-run-new-project');
  await np.getByTestId('new-project-create').click();
  await expect(np).toHaveCount(0);
  await expect(page.getByTestId('project-name')).toContainText('Fashion shop');
  const projectDir = path.join(tmp.dir, 'projects', 'Fashion-shop');
  expect(existsSync(path.join(projectDir, 'project.sqlite'))).toBe(true);

  // the empty grid offers the import; the chooser opens on top of the wizard
  await page.getByTestId('grid-import').click();
  const dialog = page.getByTestId('import-dialog');
  await expect(dialog).toBeVisible();
  await choose(page, foldersDir, /Inspect shop-photos/);
  const dry = dialog.getByTestId('dry-run');
  await expect(dry).toHaveAttribute('data-layout', 'folders');
  await expect(dry.getByTestId('dry-images')).toContainText('4');
  await expect(dry.getByTestId('dry-classes').locator('li')).toHaveCount(4);
  await shotBoth(page, 'first-run-import-review');
  await dialog.getByTestId('import-start').click();
  await expect(dialog.getByTestId('import-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(dialog.getByTestId('import-summary')).toContainText('4');
  await dialog.getByTestId('import-done').click();
  // the grid and the sidebar filled by themselves
  await expect(page.getByTestId('image-card')).toHaveCount(4);
  await expect(page.getByRole('navigation', { name: 'Filters' })).toContainText('Ankle boot');

  // the VOC folder, its masks kept as the reference (ground truth)
  await page.getByTestId('open-import').click();
  // this time by clicking through the list: the VOC folder is marked as one
  const chooser = page.getByTestId('chooser');
  await chooser.getByTestId('chooser-path').fill(tmp.dir);
  await chooser.getByTestId('chooser-path').press('Enter');
  const vocEntry = chooser.locator('[data-testid="chooser-entry"][data-name="scenes-voc"]');
  await expect(vocEntry.locator('.hint')).toHaveText('VOC dataset');
  await expect(chooser.locator('[data-testid="chooser-entry"][data-name="projects"]')).toBeVisible();
  await vocEntry.click();
  await expect(chooser.getByTestId('chooser-choice')).toContainText('Inspect scenes-voc');
  await shotBoth(page, 'first-run-chooser');
  await chooser.getByTestId('chooser-choose').click();
  await expect(dry).toHaveAttribute('data-layout', 'voc');
  await expect(dry.getByTestId('dry-masks')).toContainText(String(VOC.length));
  await dry.getByTestId('masks-ground-truth').click();
  await shot(page, 'first-run-import-voc');
  await dialog.getByTestId('import-start').click();
  await expect(dialog.getByTestId('import-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(dialog.getByTestId('import-summary')).toContainText(String(VOC.length));
  await dialog.getByTestId('import-done').click();
  await expect(page.getByTestId('image-card')).toHaveCount(TOTAL);
  await shotBoth(page, 'first-run-grid');

  // no model yet: the Generate drawer's empty state adds one
  await page.getByTestId('open-generate').click();
  await page.getByTestId('drawer-add-model').click();
  await choose(page, modelFile, /Inspect classifier\.onnx/);
  const md = page.getByTestId('models-dialog');
  const inspection = md.getByTestId('model-inspection');
  await expect(inspection).toBeVisible();
  await expect(inspection.getByTestId('model-input')).toHaveText('128×128 RGB');
  const layer2 = inspection.getByTestId('model-layers').locator('tr[data-layer="layer2"]');
  await expect(layer2).toContainText(/layer2/);
  await expect(layer2.locator('.shape')).toHaveText(/^16×16×\d+$/);
  await expect(inspection.getByTestId('model-classes')).toContainText('10 of them are classes of this project');
  // tried on an image before it is added
  await inspection.getByTestId('try-image').first().click();
  await expect(inspection.getByTestId('try-heatmap')).toHaveAttribute('data-drawn', 'yes', { timeout: 60_000 });
  await expect(inspection.getByTestId('try-result')).toContainText('Explains');
  await shotBoth(page, 'first-run-model');
  await md.getByTestId('model-add').click();
  await expect(md.getByTestId('models-list')).toBeVisible();
  await expect(md.getByTestId('model-row')).toHaveCount(1);
  await expect(md.getByTestId('model-row').first()).toContainText('Active');
  await md.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(md).toHaveCount(0);

  // generate: the drawer lists the model, with what layer2 means for it
  const panel = page.getByTestId('generate-panel');
  await expect(panel.getByTestId('model-select')).toContainText('classifier.onnx');
  await expect(panel.getByTestId('layer-resolved')).toContainText(/^layer2 → .+ · 16×16×\d+$/);
  await panel.getByTestId('start-job').click();
  await expect(panel.getByTestId('job-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(panel.getByTestId('job-count')).toHaveText(`${TOTAL} / ${TOTAL}`);
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-overlay')).toHaveCount(TOTAL);

  // edit one mask in the editor
  const project = served.host.current()!;
  const target = project.listImages({ offset: 0, limit: 1, search: 'scene_0002' }).items[0];
  const before = project.currentMask(target.id)!;
  await page.locator(`[data-testid="image-card"][data-name="${target.name}"]`).dblclick();
  await expect(page.getByTestId('editor')).toBeVisible();
  await page.keyboard.press('b');
  await page.keyboard.press('1');
  const box = (await page.getByTestId('editor-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2 - 100, box.y + box.height / 2);
  await page.mouse.down();
  for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + box.width / 2 - 100 + k * 20, box.y + box.height / 2 + k * 4);
  await page.mouse.up();
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await expect.poll(() => project.currentMask(target.id)!.version.id).not.toBe(before.version.id);
  expect(project.getImage(target.id).status).toBe('edited');
  const edited = decodeLabelPng(project.currentMask(target.id)!.png).labels;
  expect(edited).not.toEqual(decodeLabelPng(before.png).labels);
  await page.goBack();
  await expect(page.getByTestId('image-grid')).toBeVisible();

  // export VOC, the folder chosen in the chooser
  const out = path.join(tmp.dir, 'labels');
  mkdirSync(out);
  await page.getByTestId('open-export').click();
  const ex = page.getByTestId('export-dialog');
  // Escape closes the chooser only, not the dialog under it
  await ex.getByRole('button', { name: 'Browse…' }).click();
  await expect(page.getByTestId('chooser')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('chooser')).toHaveCount(0);
  await expect(ex).toBeVisible();
  await ex.getByRole('button', { name: 'Browse…' }).click();
  await choose(page, out, /Export here labels/);
  await expect(ex.getByTestId('export-folder')).toHaveValue(out);
  await ex.getByTestId('export-run').click();
  await expect(ex.getByTestId('export-result')).toContainText(`${TOTAL} images exported as Pascal VOC`, { timeout: 60_000 });
  const pngs = readdirSync(path.join(out, 'SegmentationClass')).filter((f) => f.endsWith('.png'));
  expect(pngs).toHaveLength(TOTAL);
  // the edited mask is what was exported (same labels, through the VOC palette PNG)
  const exported = decodeLabelPng(readFileSync(path.join(out, 'SegmentationClass', 'scene_0002.png'))).labels;
  expect(exported).toEqual(edited);
  await ex.getByRole('button', { name: 'Done' }).click();

  // the header's project name leads home: the project is listed with its numbers
  await page.getByTestId('project-name').click();
  const card = page.getByTestId('project-card').first();
  await expect(card).toContainText('Fashion shop');
  await expect(card).toContainText(String(TOTAL));
  await shotBoth(page, 'first-run-home-recent');
  expect(refusedCalls).toEqual([]);
  expect(errors).toEqual([]);

  // the project on disk holds all of it
  served.host.current();
  const check = openProject(projectDir);
  try {
    expect(check.info()).toMatchObject({ images: TOTAL, masks: TOTAL });
    expect(check.models.list()).toHaveLength(1);
  } finally {
    check.close();
  }
});
