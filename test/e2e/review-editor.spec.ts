// The editor holds up on every screen, items 3 and 6 of the review issue, at 1440×900 and
// 1024×768 on masks a real job generated: a direct link or a reload shows every class,
// the right panel scrolls so the class list and the versions stay reachable, ? lists the
// shortcuts, arrows and pages move between images, Esc lets go of a field before it leaves,
// a missing image is an error page with nothing to approve; a run of strokes, undo and
// redo is ONE new version, and undoing back to the generated mask makes it Generated again.
import { expect, test } from '@playwright/test';
import { watchErrors } from './fixture.ts';
import { strokeAcross } from './fixture.ts';
import { currentLabels, servedGenerated, shot, VIEWPORTS } from './review-fixture.ts';

const N = 8;
const fx = servedGenerated(N, 'studio-e2e-review-editor-');

for (const [k, vp] of VIEWPORTS.entries()) {
  test(`item 3: reload and direct links, a panel that scrolls, shortcuts, arrows, Esc (${vp.width}×${vp.height})`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.setViewportSize(vp);
    const at = 2 + k;
    const img = fx.images[at];
    const editor = page.getByTestId('editor');
    const classes = page.getByRole('listbox', { name: 'Paint class' });
    // a direct link, then F5: every class is listed, the image's tagged ones first
    await page.goto(`${fx.served.server.url}#/edit/${img.id}`);
    await expect(editor.getByRole('heading', { name: img.name })).toBeVisible();
    await expect(classes.getByRole('option')).toHaveCount(10);
    await page.reload();
    await expect(editor.getByRole('heading', { name: img.name })).toBeVisible();
    await expect(classes.getByRole('option')).toHaveCount(10);
    await expect(page.getByText('No class matches')).toHaveCount(0);
    const tags = fx.served.project.getImage(img.id).tags.map((t) => fx.served.project.listClasses().find((c) => c.index === t)!.name);
    for (const [i, name] of tags.entries()) await expect(classes.getByRole('option').nth(i)).toContainText(name);
    await expect(page.getByTestId('editor-position')).toHaveText(`${at + 1} / ${N}`);

    // the panel: the search box keeps its height; the versions are reachable by scrolling
    const search = page.getByRole('searchbox', { name: 'Find a class' });
    expect((await search.boundingBox())!.height).toBeGreaterThanOrEqual(26);
    const version = page.getByRole('region', { name: 'Mask versions' }).getByTestId('mask-version').first();
    await version.scrollIntoViewIfNeeded();
    const box = (await version.boundingBox())!;
    expect(box.height).toBeGreaterThan(20);
    expect(box.y + box.height).toBeLessThanOrEqual(vp.height);
    // the job's default cuts each image at its own τ_bg: the version shows the one this image got
    const tau = fx.served.project.masks.currentVersion(img.id)!.provenance.thresholds!.bg!;
    await expect(version).toContainText(`rcam · layer2 · fast · τ ${tau.toFixed(2)}`);
    await page.screenshot({ path: shot('review-editor-panel', vp) });

    // ? : the shortcuts, from the keymap; Esc closes them and stays
    await page.locator('.rs-canvas-root').focus();
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcut-help');
    await expect(help).toBeVisible();
    await expect(help).toContainText('Approve and go to the next image');
    await expect(help).toContainText('Flood fill');
    await page.screenshot({ path: shot('review-editor-help', vp) });
    await page.keyboard.press('Escape');
    await expect(help).toHaveCount(0);
    await expect(editor).toBeVisible();

    // arrows and pages move between images
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('editor-position')).toHaveText(`${at + 2} / ${N}`);
    await page.keyboard.press('PageUp');
    await expect(page.getByTestId('editor-position')).toHaveText(`${at + 1} / ${N}`);
    await expect(editor.getByRole('heading', { name: img.name })).toBeVisible();

    // / , type, Enter picks the class; Esc lets go of the list, the second Esc leaves
    await page.keyboard.press('/');
    await expect(search).toBeFocused();
    await page.keyboard.type('dres');
    await page.keyboard.press('Enter');
    await expect(classes.getByRole('option', { name: /Dress/ })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Escape');
    await expect(editor).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(editor).toHaveCount(0);
    await expect(page.getByTestId('image-grid')).toBeVisible();

    // an image that does not exist: an error page, nothing to approve
    await page.goto(`${fx.served.server.url}#/edit/9999`);
    await page.reload();
    await expect(page.getByRole('alert')).toContainText('9999');
    await expect(page.getByRole('button', { name: /Approve/ })).toBeDisabled();
    await expect(page.getByTestId('editor-status')).toHaveCount(0);
    await page.screenshot({ path: shot('review-editor-missing', vp) });
    expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
  });

  test(`item 6: strokes, undo and redo between saves are one version; undoing them all is Generated again (${vp.width}×${vp.height})`, async ({ page }) => {
    const errors = watchErrors(page);
    const p = fx.served.project;
    await page.setViewportSize(vp);
    // the clock is the test's: the save waits for the changes to pause
    await page.clock.install();
    const img = fx.images[4 + k];
    const generated = p.masks.currentVersion(img.id)!;
    await page.goto(`${fx.served.server.url}#/edit/${img.id}`);
    await expect(page.getByTestId('editor').getByRole('heading', { name: img.name })).toBeVisible();
    const versions = page.getByRole('region', { name: 'Mask versions' }).getByTestId('mask-version');
    await expect(versions).toHaveCount(1);

    const stroke = (dy: number) => strokeAcross(page, dy, 8);
    await page.keyboard.press('1');
    await stroke(-40);
    await stroke(40);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+Shift+z');
    await page.clock.runFor(3000);
    await expect(page.getByTestId('save-state')).toHaveText('Saved');
    await expect.poll(() => p.masks.versions(img.id).length).toBe(2);
    const edited = p.masks.currentVersion(img.id)!;
    expect(edited.provenance.source).toBe('edited');
    expect(p.getImage(img.id).status).toBe('edited');
    const labels = currentLabels(p, img.id).labels;
    expect(labels.filter((v) => v === 1).length).toBeGreaterThan(currentLabels(p, img.id).labels.length / 100);
    await expect(versions).toHaveCount(2);

    // every change undone: the generated mask again, and no new version
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.clock.runFor(3000);
    await expect.poll(() => p.masks.currentVersion(img.id)!.id).toBe(generated.id);
    expect(p.masks.versions(img.id)).toHaveLength(2);
    expect(p.getImage(img.id).status).toBe('generated');
    await expect(page.getByTestId('editor').getByText('Generated', { exact: true }).first()).toBeVisible();
    // newest first: the edit, then the generated version — current again
    await expect(versions.nth(0)).toContainText('Edited');
    await expect(versions.nth(0)).toContainText('Restore');
    await expect(versions.nth(1)).toContainText('Generated');
    await expect(versions.nth(1)).toContainText('current');
    await page.getByRole('region', { name: 'Mask versions' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('review-versions', vp) });
    expect(errors).toEqual([]);
  });
}
