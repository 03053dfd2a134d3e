/**
 * The words findings are written with: numbers formatted one way everywhere, and the small
 * choices (above or below, ordinal, list) that let a sentence follow the numbers.
 */
import { variantTitle } from '../model/network';

export const title = (variant: string) => variantTitle(variant);
export const f4 = (value: number) => value.toFixed(4);
/** The size of a difference of accuracies, unsigned: "1.52 points" (the sentence says which way). */
export const size = (difference: number) => `${Math.abs(100 * difference).toFixed(2)} points`;
/** "1.52 points above" / "0.40 points below". */
export const aboveOrBelow = (difference: number) => `${size(difference)} ${difference >= 0 ? 'above' : 'below'}`;
/** "1 degree of freedom" / "2 degrees of freedom". */
export const degreesOfFreedom = (n: number) => `${n} degree${n === 1 ? '' : 's'} of freedom`;
export const count = (n: number, of: number, what: string) => `${n} of ${of} ${what}`;
export const ordinal = (n: number) => `${n}${n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'}`;
export const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
export const bullets = (lines: (string | null)[]) => lines.filter((line): line is string => line !== null).map((line) => `- ${line}`).join('\n');
/** "lower" / "higher" / "the same" for a against b, at the 4 decimals printed. */
export const compare = (a: number, b: number, less: string, more: string) => (f4(a) === f4(b) ? 'the same' : a < b ? less : more);

