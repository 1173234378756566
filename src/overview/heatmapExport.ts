import type { AreaRow, Heatmap, TeamRow } from '../../projections/heatmap/types.ts';
import type { CsvCell, CsvColumn } from '../shared/csv.ts';
import { forecastView } from './trend.ts';
import { type Column, columnHeads, freshnessLabels, freshnessOrder, stageLabels } from './viewModels.ts';

/** One row of the export: an area, or a team listed under the area it belongs to; `area` is the area's path in the tree. */
export type HeatmapLine = { area: string } & ({ level: 'area'; row: AreaRow } | { level: 'team'; row: TeamRow });

const scoreOf = (line: HeatmapLine, column: Column): CsvCell =>
  line.level === 'team' ? line.row.scores[column] : (line.row.scores?.[column] ?? null);
const areaOnly = (cell: (area: AreaRow) => CsvCell) => (line: HeatmapLine) => (line.level === 'area' ? cell(line.row) : null);
const teamOnly = (cell: (team: TeamRow) => CsvCell) => (line: HeatmapLine) => (line.level === 'team' ? cell(line.row) : null);

/**
 * The heatmap as a spreadsheet: every area in tree order, each followed by its own teams, with
 * the five dimensions and overall (empty for an area without teams), the stage and how check-ins
 * stand (a team's freshness; an area's teams counted by freshness).
 */
export const heatmapColumns: readonly CsvColumn<HeatmapLine>[] = [
  { heading: 'Level', cell: (l) => (l.level === 'area' ? 'Area' : 'Team') },
  { heading: 'Area', cell: (l) => l.area },
  { heading: 'Code', cell: (l) => (l.level === 'area' ? l.row.code : l.row.key) },
  { heading: 'Name', cell: (l) => l.row.name },
  { heading: 'People', cell: (l) => (l.level === 'area' ? l.row.people : l.row.size) },
  { heading: 'Teams', cell: areaOnly((a) => a.teamCount) },
  ...columnHeads.map(({ column, label }) => ({ heading: label, cell: (l: HeatmapLine) => scoreOf(l, column) })),
  { heading: 'Stage', cell: (l) => stageLabels[l.row.stage] },
  { heading: 'Forecast', cell: (l) => forecastView(l.row.forecast).text },
  { heading: 'Check-ins', cell: teamOnly((t) => freshnessLabels[t.checkIn.freshness]) },
  { heading: 'Last check-in on', cell: teamOnly((t) => t.checkIn.lastHeldOn) },
  { heading: 'Check-ins held', cell: teamOnly((t) => t.checkIn.held) },
  { heading: 'Check-ins expected', cell: teamOnly((t) => t.checkIn.expected) },
  ...freshnessOrder.map((freshness) => ({
    heading: `Teams with check-ins ${freshnessLabels[freshness]}`,
    cell: areaOnly((a) => a.freshness[freshness]),
  })),
  { heading: 'Open signals', cell: areaOnly((a) => a.openSignals) },
  { heading: 'Highest severity', cell: areaOnly((a) => a.highestSeverity) },
];

/** The heatmap's rows in the order a reader unfolds them: an area, its own teams, then the areas below it. */
export function heatmapLines(heatmap: Heatmap): HeatmapLine[] {
  const paths = new Map<string, string>();
  const teamsIn = new Map<string, TeamRow[]>();
  for (const team of heatmap.teams) {
    const own = teamsIn.get(team.areaId);
    if (own === undefined) teamsIn.set(team.areaId, [team]);
    else own.push(team);
  }
  const lines = heatmap.areas.flatMap((area): HeatmapLine[] => {
    const parent = area.parentAreaId === null ? undefined : paths.get(area.parentAreaId);
    const path = parent === undefined ? area.name : `${parent} › ${area.name}`;
    paths.set(area.areaId, path);
    const teams = (teamsIn.get(area.areaId) ?? []).map((row): HeatmapLine => ({ level: 'team', area: path, row }));
    return [{ level: 'area', area: path, row: area }, ...teams];
  });
  // A team whose area the organisation read model does not know (yet) is still a team: listed last, by its area's id.
  const orphans = heatmap.teams.filter((team) => !paths.has(team.areaId));
  return [...lines, ...orphans.map((row): HeatmapLine => ({ level: 'team', area: row.areaId, row }))];
}
