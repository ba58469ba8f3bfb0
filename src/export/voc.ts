// PASCAL-VOC-style segmentation export (what DeepLab / mmsegmentation's VOC configs read
// with ignore_index 255):
//   SegmentationClass/<stem>.png   8-bit indexed PNG, pixel = class index, 0 background,
//                                  255 ignore, the VOC colour map (or the project's
//                                  colours) in its PLTE chunk
//   ImageSets/Segmentation/{train,val,trainval}.txt (+ test.txt when any), stems sorted
//   classes.txt                    line k = name of class index k, line 0 'background'
//   labelmap.txt                   CVAT-style 'name:r,g,b::' per index
//   JPEGImages/<stem>.jpg|png      with copyImages: the upright image bytes
import { encodeLabelPng } from '../project/png.ts';
import { classPalette, vocPalette } from '../masks/palette.ts';
import type { Project } from '../project/index.ts';
import { classNamesByIndex, imageExt, lines, type ExportWriter } from './files.ts';
import { eachLabelled } from './masks.ts';
import type { ExportItem, ExportOptions, ExportReport } from './types.ts';

export async function writeVoc(project: Project, items: ExportItem[], opts: ExportOptions, w: ExportWriter, report: ExportReport): Promise<void> {
  const classes = project.listClasses();
  const palette = opts.palette === 'project' ? classPalette(classes) : vocPalette();
  const written = await eachLabelled(project, items, opts, report, (it, labels, image) => {
    if (image) w.write(`JPEGImages/${it.stem}.${imageExt(image)}`, image);
    w.write(`SegmentationClass/${it.stem}.png`, encodeLabelPng(labels, it.width, it.height, palette));
  });
  const stems = (f: (i: ExportItem) => boolean) => written.filter(f).map((i) => i.stem).sort();
  w.write('ImageSets/Segmentation/train.txt', lines(stems((i) => i.split === 'train')));
  w.write('ImageSets/Segmentation/val.txt', lines(stems((i) => i.split === 'val')));
  w.write('ImageSets/Segmentation/trainval.txt', lines(stems((i) => i.split !== 'test')));
  const test = stems((i) => i.split === 'test');
  if (test.length) w.write('ImageSets/Segmentation/test.txt', lines(test));
  const names = classNamesByIndex(classes);
  w.write('classes.txt', lines(names));
  const color = (k: number) => `${palette[k * 3]},${palette[k * 3 + 1]},${palette[k * 3 + 2]}`;
  w.write('labelmap.txt', lines(['# label:color_rgb:parts:actions', ...names.map((n, k) => `${n}:${color(k)}::`)]));
  report.images = written.length;
}
