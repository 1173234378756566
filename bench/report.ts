import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeTarget, describeVerdict, type Figure, format, formatValue, median, verdict } from './figures.ts';
import type { Machine } from './machine.ts';

export interface Session {
  date: string;
  machine: Machine;
  /** What the data set holds, e.g. `271,090 events: 10 areas, 400 teams, …`. */
  data: string;
  figures: Figure[];
  /** Anything a reader must know to trust the runs (failed requests, a rebuild that ended early). */
  warnings: string[];
  minutes: number;
}

const START = '<!-- figures:start — written by `npm run bench -- --write`; edit outside these markers -->';
const END = '<!-- figures:end -->';

const runsOf = (figure: Figure) => figure.runs.map((r) => format(r, figure.digits)).join(' · ');

export function printTable(figures: readonly Figure[]): void {
  const rows = [
    ['figure', 'median', 'target', 'verdict', 'runs'],
    ...figures.map((f) => [f.name, formatValue(f, median(f.runs)), describeTarget(f), describeVerdict(f), runsOf(f)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

export function markdown(session: Session): string {
  const { machine } = session;
  const missed = session.figures.flatMap((figure) => {
    const v = verdict(figure);
    return v?.met === false ? [{ figure, by: v.by }] : [];
  });
  return [
    START,
    '',
    `Measured on ${session.date}, ${session.minutes.toFixed(1)} minutes for the whole run.`,
    '',
    `- **Machine:** ${machine.cpus} × ${machine.cpuModel} (\`nproc\` ${machine.cpus}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.kernel}`,
    `- **Software:** Node ${machine.node}, SQLite ${machine.sqlite} (better-sqlite3), temp files under ${machine.tmpFileSystem}`,
    `- **Data:** ${session.data}`,
    '',
    '| figure | median | target | verdict | every run |',
    '|---|--:|--:|---|--:|',
    ...session.figures.map((f) => `| ${f.name} | ${formatValue(f, median(f.runs))} | ${describeTarget(f)} | ${describeVerdict(f)} | ${runsOf(f)} |`),
    '',
    ...(missed.length === 0
      ? ['Every target is met.']
      : ['**Targets missed:**', '', ...missed.map(({ figure: f, by }) => `- ${f.name}: ${formatValue(f, median(f.runs))} against ${describeTarget(f)}, missed by ${by}.`)]),
    ...(session.warnings.length > 0 ? ['', ...session.warnings.map((w) => `> **Warning:** ${w}`)] : []),
    '',
    END,
  ].join('\n');
}

/** Replaces the figures between the markers, keeping everything written around them. */
export function writeFigures(file: string, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + END.length)
      : `${current}${current === '' || current.endsWith('\n\n') ? '' : '\n'}${section}\n`;
  writeFileSync(file, next);
}
