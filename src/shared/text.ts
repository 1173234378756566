import { z } from 'zod';

/**
 * C0 controls other than tab and new line, DEL, and the bidirectional embedding, override and
 * isolate characters: invisible in a page, they can hide or reorder what a reader sees.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding these characters is the point.
const HIDDEN = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/**
 * Free text a person typed (names, notes, descriptions, reasons…): trimmed, new lines as `\n`
 * (a browser sends a textarea's as CRLF), and nothing hidden.
 */
export const text = ({ min = 0, max }: { min?: number; max: number }) =>
  z
    .string()
    .overwrite((value) => value.replace(/\r\n?/g, '\n'))
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !HIDDEN.test(value), 'must not contain control or direction-override characters');
