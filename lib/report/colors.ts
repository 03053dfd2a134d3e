/**
 * One colour per variant and per condition, for every figure of the report: a variant, the
 * learning-rate condition, the data set or "ours"/"the original" is drawn in the same colour in
 * every notebook. Series whose key is not in the table (a reader's own variants, seeds, batch
 * sizes, borders) take the fallback palette in order, which shares no colour with the table.
 */
import { VARIANT_TITLES, VARIANTS } from '../model/network';

export const SERIES_COLORS: Record<string, string> = {
  // The five variants of the study.
  baseline: '#1f77b4', relu: '#d62728', maxpooling: '#2ca02c', dropout: '#9467bd', leakyrelu: '#ff7f0e',
  // The learning-rate conditions of notebook 09.
  constant: '#8c564b', decayed: '#17becf',
  // The data sets, and ours against the original where a series spans every variant.
  'training set': '#4c72b0', 'test set': '#dd8452', ours: '#4d4d4d', original: '#000000',
};

/** Colours for series that are not in the table, none of them in it. */
export const FALLBACK_COLORS = ['#e377c2', '#bcbd22', '#7f7f7f', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173'];

/** The table's key of a series: its own key, else the variant its name is the title of. */
function keyOf(entry: { name: string; key?: string }): string | undefined {
  if (entry.key !== undefined) return entry.key;
  return VARIANTS.find((variant) => VARIANT_TITLES[variant] === entry.name);
}

/** The colour of each series, in order: the table's where it has one, else the next fallback colour. */
export function seriesColors(entries: { name: string; key?: string }[]): string[] {
  let fallback = 0;
  return entries.map((entry) => {
    const key = keyOf(entry);
    if (key !== undefined && SERIES_COLORS[key] !== undefined) return SERIES_COLORS[key];
    return FALLBACK_COLORS[fallback++ % FALLBACK_COLORS.length];
  });
}
