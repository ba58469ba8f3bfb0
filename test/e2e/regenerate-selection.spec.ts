// "Regenerate masks…" on a grid selection: the Generate drawer opens on
// exactly the selected images, says which of them keep their human mask, and the job
// covers those images only — the approved and the edited one keep their current mask.
import { expect, test } from '@playwright/test';
import type { Project } from '../../src/project/index.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { createStudioService } from '../../src/services/index.ts';
import { generatedProject } from './generated-fixture.ts';

const N = 6;
let served: ServedProject;
let project: Project;
let ids: number[];
let names: string[];
let cleanup: () => void;
let humanMasks: Map<number, number>;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  let images: { id: number; name: string }[];
  ({ project, images, cleanup } = await generatedProject(N, 'studio-e2e-regen-'));
  ids = images.map((i) => i.id);
  names = images.map((i) => i.name);
  // image 1 approved, image 2 edited by a person (a saved mask), image 3 generated
  const api = createStudioService(project);
  await api.setStatus([ids[1]], 'approved');
  await api.saveMask(ids[2], await api.maskPng(ids[2], null));
  humanMasks = new Map([ids[1], ids[2]].map((id) => [id, project.masks.current(id)!.version.id]));
  served = await serveProject(project);
});

test.afterAll(async () => {
  await served?.close();
  cleanup?.();
});

test('regenerate the selected images; approved and edited masks are kept as versions', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(served.server.url);
  const cards = page.getByTestId('image-card');
  await expect(cards).toHaveCount(N);
  const card = (i: number) => page.locator(`[data-testid="image-card"][data-name="${names[i]}"]`);
  await card(1).click();
  await card(3).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('3 selected');

  await page.getByTestId('regenerate-selection').click();
  const panel = page.getByTestId('generate-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Selected (3)' })).toHaveAttribute('aria-pressed', 'true');
  const note = panel.getByTestId('ids-note');
  await expect(note).toContainText('The 3 selected images.');
  await expect(note).toContainText('1 edited and 1 approved keep their mask');
  await page.waitForTimeout(300); // the drawer's slide-in settles
  await page.screenshot({ path: 'test-results/regenerate-selection.png', animations: 'disabled' });

  const versionsBefore = new Map(ids.map((id) => [id, project.masks.versions(id).length]));
  await panel.getByTestId('start-job').click();
  await expect(panel.getByTestId('job-status')).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  await expect(panel.getByTestId('job-count')).toHaveText('3 / 3');
  await expect(panel.getByTestId('job-status')).toContainText('2 kept as versions (human work)');

  // exactly the selected images got a new version; the human masks stayed current
  for (const [i, id] of ids.entries()) {
    const added = project.masks.versions(id).length - versionsBefore.get(id)!;
    expect(added, `image ${i}`).toBe(i >= 1 && i <= 3 ? 1 : 0);
  }
  for (const [id, v] of humanMasks) expect(project.masks.current(id)!.version.id).toBe(v);
  expect(project.images.get(ids[1]).status).toBe('approved');
});
