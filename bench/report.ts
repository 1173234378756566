import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  describeFloor,
  describeTarget,
  describeVerdict,
  type Figure,
  format,
  formatValue,
  median,
  type PageFigures,
  verdict,
} from './figures.ts';
import type { Machine } from './machine.ts';

/** One size's figures: the data set, the figures beside their floors, every page. */
export interface SizeSection {
  /** e.g. `Demo size (scale 1)`. */
  title: string;
  /** What the data set holds, e.g. `26,392 events from \`uptake seed\` …`. */
  data: string;
  figures: Figure[];
  /** How the pages were measured at this size. */
  pagesData: string;
  pages: PageFigures[];
}

export interface Session {
  date: string;
  machine: Machine;
  sizes: SizeSection[];
  /** Figures that compare the sizes (the large size's against the demo's). */
  across: Figure[];
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

const figureRow = (f: Figure) => [
  f.name,
  formatValue(f, median(f.runs)),
  describeFloor(f),
  describeTarget(f),
  describeVerdict(f),
  runsOf(f),
];

const pageRow = (page: PageFigures) => [
  page.name,
  formatValue(page.inProcess, median(page.inProcess.runs)),
  describeFloor(page.inProcess),
  describeTarget(page.inProcess),
  describeVerdict(page.inProcess),
  formatValue(page.p50, median(page.p50.runs)),
  formatValue(page.p99, median(page.p99.runs)),
  describeFloor(page.p99),
  describeTarget(page.p99),
  describeVerdict(page.p99),
  runsOf(page.p99),
  formatValue(page.throughput, median(page.throughput.runs)),
];

const FIGURE_HEAD = ['figure', 'median', 'beside its floor', 'target', 'verdict', 'every run'];
const PAGE_HEAD = [
  'page',
  'in process, median',
  'beside /healthz',
  'target',
  'verdict',
  'p50',
  'p99 at 10 connections',
  'beside /healthz',
  'target',
  'verdict',
  'p99, every run',
  'throughput',
];

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

export function printSections(sizes: readonly SizeSection[], across: readonly Figure[]): void {
  for (const size of sizes) {
    console.log(`\n${size.title}: ${size.data}`);
    printRows([FIGURE_HEAD, ...size.figures.map(figureRow)]);
    console.log('');
    printRows([PAGE_HEAD, ...size.pages.map(pageRow)]);
  }
  if (across.length > 0) {
    console.log('\nAcross the sizes');
    printRows([FIGURE_HEAD, ...across.map(figureRow)]);
  }
}

/** A markdown table: names and verdicts left-aligned, numbers right-aligned. */
const markdownTable = (head: string[], rows: string[][]): string[] => [
  `| ${head.join(' | ')} |`,
  `|---|${head
    .slice(1)
    .map((h) => (['verdict', 'beside its floor', 'beside /healthz'].includes(h) ? '---|' : '--:|'))
    .join('')}`,
  ...rows.map((row) => `| ${row.join(' | ')} |`),
];

export const figuresTable = (figures: readonly Figure[]): string[] => markdownTable(FIGURE_HEAD, figures.map(figureRow));

export const loads = (averages: number[]) => averages.map((a) => a.toFixed(1)).join(' / ');

export function markdown(session: Session): string {
  const { machine } = session;
  const everyFigure = [
    ...session.sizes.flatMap((size) => [...size.figures, ...size.pages.flatMap((page) => [page.inProcess, page.p99])]),
    ...session.across,
  ];
  const missed = everyFigure.flatMap((figure) => {
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
    ...session.sizes.flatMap((size) => [
      '',
      `### ${size.title}`,
      '',
      `**Data:** ${size.data}`,
      '',
      ...markdownTable(FIGURE_HEAD, size.figures.map(figureRow)),
      '',
      `**Every page:** ${size.pagesData}`,
      '',
      ...markdownTable(PAGE_HEAD, size.pages.map(pageRow)),
    ]),
    ...(session.across.length > 0 ? ['', '### Across the sizes', '', ...markdownTable(FIGURE_HEAD, session.across.map(figureRow))] : []),
    '',
    ...(missed.length === 0
      ? ['Every target is met.']
      : [
          '**Targets missed:**',
          '',
          ...missed.map(
            ({ figure: f }) => `- ${f.name}: ${formatValue(f, median(f.runs))} against ${describeTarget(f)}: ${describeVerdict(f)}.`,
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
