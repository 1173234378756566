/** The heatmap's export rows: each area followed by its own teams, areas named by their path, and no team left out. */
import { describe, expect, it } from 'vitest';
import type { AreaRow, Heatmap, TeamRow } from '../../projections/heatmap/types.ts';
import { heatmapColumns, heatmapLines } from '../../src/overview/heatmapExport.ts';

const scores = { learn: 100, set: 50, align: 0, run: 75, reflect: 0, overall: 45 };
const area = (areaId: string, name: string, parentAreaId: string | null, depth: number, teamCount: number): AreaRow => ({
  areaId,
  code: areaId.toUpperCase(),
  name,
  parentAreaId,
  depth,
  teamCount,
  people: teamCount * 5,
  scores: teamCount === 0 ? null : scores,
  stage: teamCount === 0 ? 'not-started' : 'exploring',
  freshness: { fresh: teamCount, late: 0, never: 0 },
  openSignals: 0,
  highestSeverity: null,
  trend: [],
  forecast: { kind: 'last-stage' },
});
const team = (teamId: string, areaId: string): TeamRow => ({
  teamId,
  key: teamId.toUpperCase(),
  name: `Team ${teamId}`,
  areaId,
  size: 5,
  scores,
  stage: 'exploring',
  checkIn: { freshness: 'late', lastHeldOn: '2026-11-01', held: 2, expected: 4 },
  trend: [],
  forecast: { kind: 'too-few-points', next: { stage: 'practicing', from: 40 }, points: 2, needed: 3 },
});
const heatmap: Heatmap = {
  cycle: { cycleId: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14, closedOn: null },
  asOf: '2026-11-25',
  areas: [area('eng', 'Engineering', null, 0, 2), area('plat', 'Platform', 'eng', 1, 1), area('ops', 'Ops', null, 0, 0)],
  // By key, as the read model lists them: the export regroups them under their areas.
  teams: [team('gone', 'retired-area'), team('pay', 'plat'), team('srch', 'eng')],
  organisation: scores,
};

describe('the heatmap export', () => {
  it('lists each area by its path, then its own teams, then the areas below it; a team of an unknown area last', () => {
    expect(heatmapLines(heatmap).map((l) => [l.level, l.area, l.row.name])).toEqual([
      ['area', 'Engineering', 'Engineering'],
      ['team', 'Engineering', 'Team srch'],
      ['area', 'Engineering › Platform', 'Platform'],
      ['team', 'Engineering › Platform', 'Team pay'],
      ['area', 'Ops', 'Ops'],
      ['team', 'retired-area', 'Team gone'],
    ]);
  });

  it("fills a team's check-in columns and an area's freshness counts, each empty on the other", () => {
    const [eng, srch, , , ops] = heatmapLines(heatmap).map((line) =>
      Object.fromEntries(heatmapColumns.map((c) => [c.heading, c.cell(line)])),
    );
    expect(srch).toMatchObject({
      Level: 'Team',
      Code: 'SRCH',
      People: 5,
      Teams: null,
      Overall: 45,
      Stage: 'Exploring',
      Forecast: 'Too few weeks to forecast practicing: 2 of the 3 weekly scores needed.',
    });
    expect(srch).toMatchObject({ 'Check-ins': 'late', 'Check-ins held': 2, 'Check-ins expected': 4, 'Teams with check-ins late': null });
    expect(eng).toMatchObject({ Level: 'Area', Teams: 2, 'Check-ins': null, 'Teams with check-ins on time': 2, 'Open signals': 0 });
    expect(ops).toMatchObject({
      Learn: null,
      Overall: null,
      Stage: 'Not started',
      Forecast: 'Embedded: the last stage, nothing further to forecast.',
    });
  });
});
