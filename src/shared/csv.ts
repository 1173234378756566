/**
 * CSV as RFC 4180 writes it, for the pages' downloads: CRLF after every record, a field holding a
 * `"`, `,`, CR or LF is quoted with its `"` doubled, and a header row comes first.
 *
 * A cell is text or a number. Text is what people and integrations typed (names, descriptions),
 * so a spreadsheet must never run it: text starting with `=`, `+`, `-`, `@`, a tab or a CR gets a
 * leading `'` (OWASP's advice against CSV injection), which shows it as text. A number is one we
 * computed (a score, a count, a severity): it is written as a number, so a spreadsheet can sum it,
 * and `-3` stays minus three rather than becoming `'-3`. Columns therefore say which they are by
 * the type of their value, never by guessing from the text.
 */

export type CsvCell = string | number | null;

/** What a spreadsheet would read as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** What forces a field to be quoted. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Excel opens a CSV without a byte-order mark in the machine's legacy code page, so "Zoë" and
 * "Développement" come out garbled; the BOM tells it the file is UTF-8. Other readers skip it.
 */
export const BOM = '\uFEFF';

export function csvField(cell: CsvCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') {
    // Only numbers we computed reach here; a NaN or an infinity would be a bug upstream, not a value.
    if (!Number.isFinite(cell)) throw new RangeError(`not a finite number: ${cell}`);
    return String(cell);
  }
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvRecord = (cells: readonly CsvCell[]): string => `${cells.map(csvField).join(',')}\r\n`;

/** A column: its heading and the cell it takes from each row. */
export interface CsvColumn<Row> {
  heading: string;
  cell: (row: Row) => CsvCell;
}

/**
 * A whole file, chunk by chunk: the BOM and the header row, then one chunk per batch of rows, so
 * a long export is written as it is read and never held whole.
 */
export function* csvChunks<Row>(columns: readonly CsvColumn<Row>[], batches: Iterable<readonly Row[]>): Generator<string> {
  yield BOM + csvRecord(columns.map((c) => c.heading));
  for (const rows of batches) {
    if (rows.length > 0) yield rows.map((row) => csvRecord(columns.map((c) => c.cell(row)))).join('');
  }
}
