/**
 * Notebooks 01 (class balance, the images described) and 02 (where the information is, and why
 * the first convolution pads by 2).
 */
import '../base/tensorflow'; // danfojs loads tfjs-node: TensorFlow's settings are pinned first
import * as dfd from 'danfojs-node';
import { BORDERS, borderProfile, borderShare, classCounts, imageSummaries, kernelCoverage, mapMaximum, pixelStatistics, samplesPerClass } from '../data/analysis';
import { DataSplit, loadSplit } from '../data/fashion-mnist';
import { CLASS_NAMES, IMAGE_SIDE } from '../data/idx-files';
import { variantLayers } from '../model/network';
import type { StudyOptions } from '../study/study';
import { showFigure } from './display';
import { borderProfileFigure, classBalanceFigure, galleryFigure, pixelMapsFigure } from './figures';
import { Row, showMarkdown, showTable } from './tables';
import { ordinal } from './wording';

export interface Sets {
  train: DataSplit;
  test: DataSplit;
}

export function loadSets(options: StudyOptions): Sets {
  const limit = options.limit ?? undefined;
  return { train: loadSplit(options.dataDirectory, 'train', { limit }), test: loadSplit(options.dataDirectory, 'test', { limit }) };
}

// ---------------------------------------------------------------------------------------------
// 01: class balance.

export function showClassCounts(sets: Sets): void {
  const train = classCounts(sets.train.labels);
  const test = classCounts(sets.test.labels);
  showTable(CLASS_NAMES.map((name, index) => ({
    class: name, label: index, 'training images': train[index], 'test images': test[index],
    'training share': train[index] / sets.train.labels.length, 'test share': test[index] / sets.test.labels.length,
  })), { caption: 'Images per class' });
}

export async function showClassBalance(sets: Sets): Promise<void> {
  await showFigure(classBalanceFigure(CLASS_NAMES, classCounts(sets.train.labels), classCounts(sets.test.labels)), { name: '01-class-balance', height: 420 });
}

/** One row per training image: class and three summaries of its pixels (a danfojs frame). */
function imageFrame(split: DataSplit): dfd.DataFrame {
  const summaries = imageSummaries(split.images);
  return new dfd.DataFrame({
    class: Array.from(split.labels, (label) => CLASS_NAMES[label]),
    'mean pixel': Array.from(summaries.meanPixel), 'inked share': Array.from(summaries.inkShare), 'bottom two lines': Array.from(summaries.bottomMean),
  });
}

function frameRows(frame: dfd.DataFrame, indexName?: string): Row[] {
  const columns = frame.columns as string[];
  const index = frame.index as (string | number)[];
  return (frame.values as (string | number)[][]).map((values, row) => ({
    ...(indexName ? { [indexName]: index[row] } : {}),
    ...Object.fromEntries(columns.map((column, position) => [column, values[position]])),
  }));
}

/** describe() of the training images' summaries, then their means by class (danfojs' group-by). */
export function showDescription(sets: Sets): void {
  const frame = imageFrame(sets.train);
  showTable(frameRows(frame.describe(), 'statistic'), { caption: 'The training images, described (danfojs describe())' });
  const byClass = frame.groupby(['class']).agg({ 'mean pixel': 'mean', 'inked share': 'mean', 'bottom two lines': 'mean' });
  showTable(frameRows(byClass), { caption: 'Means by class (danfojs groupby)' });
}

export async function showSamples(sets: Sets): Promise<void> {
  const samples = samplesPerClass(sets.train.images, sets.train.labels, 5);
  await showFigure(await galleryFigure(samples.map((sample) => ({ pixels: sample.pixels, caption: CLASS_NAMES[sample.label] })), 10,
    'Five training images of each class'), { name: '01-samples', width: 900, height: 520 });
}

export function showBalanceFindings(sets: Sets): void {
  const train = classCounts(sets.train.labels);
  const test = classCounts(sets.test.labels);
  const spread = (counts: number[]) => Math.max(...counts) - Math.min(...counts);
  const perClass = (counts: number[]) => (spread(counts) === 0 ? `exactly ${counts[0].toLocaleString('en-US')}` : `between ${Math.min(...counts).toLocaleString('en-US')} and ${Math.max(...counts).toLocaleString('en-US')}`);
  const balanced = spread(train) === 0 && spread(test) === 0;
  const largestShare = Math.max(...train.map((n) => n / sets.train.labels.length), ...test.map((n) => n / sets.test.labels.length));
  // Nearly balanced: no class more than a quarter larger than the smallest.
  const ratio = Math.max(Math.max(...train) / Math.min(...train), Math.max(...test) / Math.min(...test));
  showMarkdown([
    `- **${balanced ? 'Yes' : ratio <= 1.25 ? 'Nearly' : 'No'}:** the ${sets.train.labels.length.toLocaleString('en-US')} training images hold ${perClass(train)} per class, the ${sets.test.labels.length.toLocaleString('en-US')} test images ${perClass(test)}.`,
    balanced
      ? '- Every class is exactly one tenth of each set: accuracy weighs every class alike, so it is a fair summary, and no re-balancing is needed — as the original found.'
      : `- The largest class is ${ratio.toFixed(2)} times the smallest and ${(100 * largestShare).toFixed(1)} % of its set: ${ratio <= 1.25 ? 'accuracy stays a fair summary, read with per-class metrics beside it' : 'read per-class metrics, not accuracy alone'}.`,
  ].join('\n'));
}

// ---------------------------------------------------------------------------------------------
// 02: the padding study.

export interface PixelMaps {
  mean: number[][];
  std: number[][];
}

export function pixelMaps(sets: Sets): PixelMaps {
  return pixelStatistics(sets.train.images);
}

export async function showPixelMaps(maps: PixelMaps): Promise<void> {
  await showFigure(pixelMapsFigure([{ map: maps.mean, caption: 'mean pixel value', unit: 'pixel value (scaled to [0, 1])' }, { map: maps.std, caption: 'standard deviation', unit: 'pixel value (scaled to [0, 1])' }],
    'Per-pixel statistics over the training images'), { name: '02-pixel-mean-std', width: 900, height: 460 });
}

const BORDER_DEPTH = 6;

function profiles(maps: PixelMaps): Record<(typeof BORDERS)[number], number[]> {
  return Object.fromEntries(BORDERS.map((border) => [border, borderProfile(maps.std, border, BORDER_DEPTH)])) as Record<(typeof BORDERS)[number], number[]>;
}

export async function showBorderProfiles(maps: PixelMaps): Promise<void> {
  const byBorder = profiles(maps);
  await showFigure(borderProfileFigure(byBorder, 'Pixel standard deviation near each border', 'mean standard deviation of the line'), { name: '02-border-information', height: 420 });
  showTable(BORDERS.map((border) => ({ border, ...Object.fromEntries(byBorder[border].map((value, depth) => [`line ${depth}`, value])) })),
    { caption: 'Mean pixel standard deviation of the n-th line from each border (0 = outermost)' });
}

/** Per class: the mean pixel value of the two bottom lines of its training images. */
function bottomInkByClass(sets: Sets): { name: string; bottom: number }[] {
  const { bottomMean } = imageSummaries(sets.train.images);
  return CLASS_NAMES.map((name, label) => {
    const values = Array.from(bottomMean).filter((_, index) => sets.train.labels[index] === label);
    return { name, bottom: values.reduce((sum, value) => sum + value, 0) / values.length };
  }).sort((a, b) => b.bottom - a.bottom);
}

export function showBottomInk(sets: Sets): void {
  showTable(bottomInkByClass(sets).map((entry) => ({ class: entry.name, 'mean pixel value of the two bottom lines': entry.bottom })),
    { caption: 'Which classes put ink on the bottom border (training images)' });
}

export async function showCoverage(): Promise<void> {
  await showFigure(pixelMapsFigure([
    { map: kernelCoverage(5, 0), caption: 'padding 0 (output 24×24)' }, { map: kernelCoverage(5, 2), caption: 'padding 2 (output 28×28)' },
  ], 'Kernel positions covering each pixel (5×5 kernel, stride 1)', { sharedScale: 'kernel positions' }), { name: '02-kernel-coverage', width: 900, height: 460 });
  const without = kernelCoverage(5, 0);
  const withPadding = kernelCoverage(5, 2);
  const last = IMAGE_SIDE - 1;
  const middle = Math.floor(IMAGE_SIDE / 2);
  showTable([
    { pixel: 'corner', 'padding 0': without[0][0], 'padding 2': withPadding[0][0] },
    { pixel: 'bottom edge, centre column', 'padding 0': without[last][middle], 'padding 2': withPadding[last][middle] },
    { pixel: 'one line inside the bottom edge, centre column', 'padding 0': without[last - 1][middle], 'padding 2': withPadding[last - 1][middle] },
    { pixel: 'centre', 'padding 0': without[middle][middle], 'padding 2': withPadding[middle][middle] },
  ], { caption: 'Kernel positions covering a pixel' });
}

/** The first convolution of the network description: its kernel size and the padding 'same' gives it. */
function firstConvolution(): { kernel: number; padding: number } {
  const layer = variantLayers('baseline').find((entry) => entry.kind === 'conv2d') as { kernelSize: number; padding: 'same' | 'valid' };
  return { kernel: layer.kernelSize, padding: layer.padding === 'same' ? (layer.kernelSize - 1) / 2 : 0 };
}

/** The largest standard deviation within the top and the bottom six lines, and where. */
function edgePeaks(maps: PixelMaps) {
  const band = (rows: number[]) => mapMaximum(maps.std.map((line, row) => (rows.includes(row) ? line : line.map(() => -Infinity))));
  const last = IMAGE_SIDE - 1;
  return { top: band([0, 1, 2, 3, 4, 5]), bottom: band([last, last - 1, last - 2, last - 3, last - 4, last - 5]) };
}

export function showPaddingFindings(sets: Sets, maps: PixelMaps): void {
  const peak = mapMaximum(maps.std);
  const last = IMAGE_SIDE - 1;
  const middle = Math.floor(IMAGE_SIDE / 2);
  const centre = maps.std[middle][middle];
  const edgeDistance = Math.min(peak.row, peak.column, last - peak.row, last - peak.column);
  const peaks = edgePeaks(maps);
  const byBorder = profiles(maps);
  const ranked = BORDERS.map((border) => ({ border, outer: byBorder[border][0] })).sort((a, b) => b.outer - a.outer);
  const variance = maps.std.map((line) => line.map((value) => value * value));
  const ringArea = 1 - (IMAGE_SIDE - 4) ** 2 / IMAGE_SIDE ** 2;
  const { kernel, padding } = firstConvolution();
  const without = kernelCoverage(kernel, 0);
  const withPadding = kernelCoverage(kernel, padding);
  const inks = bottomInkByClass(sets);
  const bottomShare = byBorder.bottom[0] / centre;
  const rising = BORDERS.filter((border) => byBorder[border].every((value, depth) => depth === 0 || value > byBorder[border][depth - 1]));
  const ringShare = borderShare(variance, 2);
  const awayFromEdges = ringShare < ringArea;
  showMarkdown([
    `- **${awayFromEdges ? 'Towards the centre on average, as the original said' : 'Not towards the centre'}:** averaged line by line, the standard deviation ${rising.length === BORDERS.length ? 'rises from every edge inward' : `rises inward from ${rising.length} of the ${BORDERS.length} edges`} ` +
      `(${BORDERS.map((border) => `${border} ${byBorder[border][0].toFixed(3)} → ${byBorder[border][BORDER_DEPTH - 1].toFixed(3)}`).join(', ')}, outermost to ${ordinal(BORDER_DEPTH)} line), ` +
      `and the 2-pixel ring holds ${(100 * ringShare).toFixed(1)} % of the total variance on ${(100 * ringArea).toFixed(1)} % of the pixels, ${awayFromEdges ? 'less' : 'more'} than its share. ` +
      `The single largest value${awayFromEdges && edgeDistance <= 2 ? ', though, lies near an edge' : ''}: row ${peak.row}, column ${peak.column} (rows and columns counted from 0 at the top left, as on the map; ${peak.value.toFixed(3)}), ${edgeDistance} pixel${edgeDistance === 1 ? '' : 's'} from the nearest edge; ` +
      `within six lines of the top the map peaks at row ${peaks.top.row} (${peaks.top.value.toFixed(3)}), of the bottom at row ${peaks.bottom.row} (${peaks.bottom.value.toFixed(3)}), and the centre pixel has ${centre.toFixed(3)}, ${centre < peaks.top.value && centre < peaks.bottom.value ? 'less than both' : 'not less than both'}.`,
    `- **The outermost lines** vary most at the **${ranked[0].border}** (${ranked[0].outer.toFixed(3)}) and least at the ${ranked[ranked.length - 1].border} (${ranked[ranked.length - 1].outer.toFixed(3)}); ` +
      `the bottom line's is ${(100 * bottomShare).toFixed(0)} % of the centre pixel's: ${ranked[0].border === 'bottom' ? 'as the original said, the bottom border carries information' : 'the bottom is not the border that varies most, as the original had it'}.`,
    `- **Which images use the bottom border:** by the mean of their two bottom lines, ${inks.slice(0, 3).map((entry) => `${entry.name} (${entry.bottom.toFixed(3)})`).join(', ')} lead and ${inks[inks.length - 1].name} (${inks[inks.length - 1].bottom.toFixed(3)}) is last.`,
    `- **What padding ${padding} changes:** without it no pixel is lost — every one is under at least ${Math.min(...without.flat())} kernel position — but a ${kernel}×${kernel} kernel sees a corner from ${without[0][0]} position and a bottom-edge pixel in the middle from ${without[last][middle]}, against ${without[middle][middle]} for the centre; ` +
      `with padding ${padding}, from ${withPadding[0][0]} and ${withPadding[last][middle]}, and the output keeps its ${IMAGE_SIDE}×${IMAGE_SIDE} size. So the padding does not rescue lost pixels, as the original put it ("we don't miss any information"): it gives the varied border lines above more weight and keeps the size. ` +
      `For an odd kernel, (${kernel} − 1)/2 = ${padding} is the only padding that keeps the output size.`,
  ].join('\n'));
}
