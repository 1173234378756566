/**
 * The CSV writer: RFC 4180 quoting and line ends, the BOM, and formula injection refused for
 * text while numbers we computed stay numbers. Each expectation is the exact bytes.
 */
import { describe, expect, it } from 'vitest';
import { BOM, csvChunks, csvField, csvRecord, type CsvColumn } from '../../src/shared/csv.ts';

describe('a field', () => {
  it('is written as it is when nothing in it needs quoting', () => {
    expect(csvField('Payments')).toBe('Payments');
    expect(csvField("O'Neil")).toBe("O'Neil");
    expect(csvField('2026-11-30')).toBe('2026-11-30');
  });

  it.each([
    ['a comma', 'Search, Discovery', '"Search, Discovery"'],
    ['a quote, doubled', 'the "quick" win', '"the ""quick"" win"'],
    ['a line feed', 'first\nsecond', '"first\nsecond"'],
    ['a carriage return inside', 'first\r\nsecond', '"first\r\nsecond"'],
    ['only a quote', '"', '""""'],
  ])('is quoted when it holds %s', (_what, text, written) => {
    expect(csvField(text)).toBe(written);
  });

  it.each([
    ['=', '=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+', '+1+1', "'+1+1"],
    ['-', '-2+3', "'-2+3"],
    ['@', '@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['a tab', '\t=1+1', "'\t=1+1"],
    ['a carriage return', '\r=1+1', `"'\r=1+1"`],
  ])('in text starting with %s gets a leading quote so no spreadsheet runs it', (_start, text, written) => {
    expect(csvField(text)).toBe(written);
  });

  it('text with a formula character later is left alone', () => {
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField(' =1')).toBe(' =1');
  });

  it('a number we computed stays a number, negative ones included', () => {
    expect(csvField(72)).toBe('72');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0)).toBe('0');
    expect(csvField(0.5)).toBe('0.5');
  });

  it('the same characters typed as text are text', () => {
    expect(csvField('-3')).toBe("'-3");
  });

  it('a number that is not finite is a bug, not a cell', () => {
    expect(() => csvField(Number.NaN)).toThrow(RangeError);
    expect(() => csvField(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('nothing is an empty field, and so is empty text', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('');
  });

  it('unicode passes through untouched', () => {
    expect(csvField('Zoë Ångström · 東京 🚀')).toBe('Zoë Ångström · 東京 🚀');
    expect(csvField('R&D <Labs> › Développement')).toBe('R&D <Labs> › Développement');
  });
});

describe('a record', () => {
  it('joins its fields with commas and ends with CRLF', () => {
    expect(csvRecord(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
  });

  it('with one empty field is an empty line', () => {
    expect(csvRecord([null])).toBe('\r\n');
  });
});

describe('a file', () => {
  type Row = { name: string; score: number | null };
  const columns: CsvColumn<Row>[] = [
    { heading: 'Name', cell: (r) => r.name },
    { heading: 'Score', cell: (r) => r.score },
  ];

  it('starts with the BOM and the header row, then a chunk per batch', () => {
    const chunks = [...csvChunks(columns, [[{ name: 'Zoë', score: 80 }], [{ name: '=1+1', score: null }]])];
    expect(chunks).toEqual([`${BOM}Name,Score\r\n`, 'Zoë,80\r\n', "'=1+1,\r\n"]);
    expect(BOM).toBe('\uFEFF');
  });

  it('with no rows is the BOM and the header row alone; empty batches add nothing', () => {
    expect([...csvChunks(columns, [])].join('')).toBe(`${BOM}Name,Score\r\n`);
    expect([...csvChunks(columns, [[], []])].join('')).toBe(`${BOM}Name,Score\r\n`);
  });

  it('reads batches only as it is read: a long export is never held whole', () => {
    let asked = 0;
    function* batches() {
      for (let i = 0; i < 3; i++) {
        asked++;
        yield [{ name: `row ${i}`, score: i }];
      }
    }
    const chunks = csvChunks(columns, batches());
    chunks.next();
    chunks.next();
    expect(asked).toBe(1);
  });
});
