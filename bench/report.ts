import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeTarget, describeVerdict, type Figure, format, formatValue, median, type PageFigures, verdict } from './figures.ts';
import type { Machine } from './machine.ts';

export interface Session {
  date: string;
  machine: Machine;
  /** What the data set holds, e.g. `271,090 events: 10 areas, 400 teams, …`. */
  data: string;
  figures: Figure[];
  /** What the page latencies were measured on, e.g. `27,645 events from \`uptake seed\` at scale 1 …`. */
  pagesData: string;
  pages: PageFigures[];
  /** The 1, 5 and 15 minute load averages when the run started and when it ended: how quiet the machine was. */
  loadAverages: { start: number[]; end: number[] };
  /** Per cent of the machine's CPU time the hypervisor stole over the run. */
  steal: number;
  /** Anything a reader must know to trust the runs (failed requests, a rebuild that ended early). */
  warnings: string[];
  minutes: number;
}

const START = '<!-- figures:start — written by `npm run bench -- --write`; edit outside these markers -->';
const END = '<!-- figures:end -->';

const runsOf = (figure: Figure) => figure.runs.map((r) => format(r, figure.digits)).join(' · ');

const figureRow = (f: Figure) => [f.name, formatValue(f, median(f.runs)), describeTarget(f), describeVerdict(f), runsOf(f)];

const pageRow = (page: PageFigures) => [
  page.name,
  formatValue(page.p50, median(page.p50.runs)),
  formatValue(page.p99, median(page.p99.runs)),
  describeTarget(page.p99),
  describeVerdict(page.p99),
  runsOf(page.p99),
  formatValue(page.throughput, median(page.throughput.runs)),
];

const FIGURE_HEAD = ['figure', 'median', 'target', 'verdict', 'every run'];
const PAGE_HEAD = ['page', 'p50', 'p99', 'p99 target', 'verdict', 'p99, every run', 'throughput'];

function printRows(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    );
}

export const printFigures = (figures: readonly Figure[]): void => printRows([FIGURE_HEAD, ...figures.map(figureRow)]);

export function printTable(figures: readonly Figure[], pages: readonly PageFigures[]): void {
  printRows([FIGURE_HEAD, ...figures.map(figureRow)]);
  console.log('');
  printRows([PAGE_HEAD, ...pages.map(pageRow)]);
}

/** A markdown table: names and verdicts left-aligned, numbers right-aligned. */
const markdownTable = (head: string[], rows: string[][]): string[] => [
  `| ${head.join(' | ')} |`,
  `|---|${head
    .slice(1)
    .map((h) => (h === 'verdict' ? '---|' : '--:|'))
    .join('')}`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
];

export const figuresTable = (figures: readonly Figure[]): string[] => markdownTable(FIGURE_HEAD, figures.map(figureRow));

export const loads = (averages: number[]) => averages.map((a) => a.toFixed(1)).join(' / ');

export function markdown(session: Session): string {
  const { machine } = session;
  const missed = [...session.figures, ...session.pages.map((page) => page.p99)].flatMap((figure) => {
    const v = verdict(figure);
    return v?.met === false ? [{ figure, by: v.by }] : [];
  });
  return [
    START,
    '',
    `Measured on ${session.date}, ${session.minutes.toFixed(1)} minutes for the whole run; load average (1 / 5 / 15 min) ${loads(session.loadAverages.start)} at the start, ${loads(session.loadAverages.end)} at the end; steal ${session.steal.toFixed(1)} % of CPU time over the run.`,
    '',
    `- **Machine:** ${machine.cpus} × ${machine.cpuModel} (\`nproc\` ${machine.cpus}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.kernel}`,
    `- **Software:** Node ${machine.node}, SQLite ${machine.sqlite} (better-sqlite3), temp files under ${machine.tmpFileSystem}`,
    `- **Data:** ${session.data}`,
    '',
    ...markdownTable(FIGURE_HEAD, session.figures.map(figureRow)),
    '',
    `**Every page at the demo size:** ${session.pagesData}`,
    '',
    ...markdownTable(PAGE_HEAD, session.pages.map(pageRow)),
    '',
    ...(missed.length === 0
      ? ['Every target is met.']
      : [
          '**Targets missed:**',
          '',
          ...missed.map(
            ({ figure: f, by }) => `- ${f.name}: ${formatValue(f, median(f.runs))} against ${describeTarget(f)}, missed by ${by}.`,
          ),
        ]),
    ...(session.warnings.length > 0 ? ['', ...session.warnings.map((w) => `> **Warning:** ${w}`)] : []),
    '',
    END,
  ].join('\n');
}

/** Replaces the figures between the markers, keeping everything written around them. */
export const writeFigures = (file: string, section: string): void => writeSection(file, { start: START, end: END }, section);

/** Replaces what lies between two markers (the section starts and ends with them), or appends the section. */
export function writeSection(file: string, markers: { start: string; end: string }, section: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = current.indexOf(markers.start);
  const end = current.indexOf(markers.end);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + section + current.slice(end + markers.end.length)
      : `${current}${current === '' || current.endsWith('\n\n') ? '' : '\n'}${section}\n`;
  writeFileSync(file, next);
}
