import { describe, expect, it } from 'vitest';
import type { AreaFacts, StakeholderMove, WeekFact } from '../../projections/digest/queries.ts';
import type { AreaRow, Heatmap } from '../../projections/heatmap/types.ts';
import {
  cycleOfWeek,
  factsByArea,
  forecastChanges,
  movers,
  STALLED_WEEKS,
  stakeholdersMoved,
  stalledAreas,
} from '../../src/digest/digest.ts';
import { markdownText } from '../../src/digest/markdown.ts';

const cycle = { cycleId: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14, closedOn: null };

/** An area row with only what the digest reads: its tree place and its overall score (null: no teams). */
function area(areaId: string, overall: number | null, parentAreaId: string | null = null): AreaRow {
  const scores = overall === null ? null : { learn: 0, set: 0, align: 0, run: 0, reflect: 0, overall };
  return {
    areaId,
    code: areaId.toUpperCase(),
    name: `Area ${areaId}`,
    parentAreaId,
    depth: parentAreaId === null ? 0 : 1,
    teamCount: overall === null ? 0 : 1,
    people: 5,
    scores,
    stage: 'exploring',
    freshness: { fresh: 0, late: 0, never: 0 },
    openSignals: 0,
    highestSeverity: null,
    trend: [],
    forecast: { kind: 'last-stage' },
  };
}

const heatmap = (asOf: string, areas: AreaRow[]): Heatmap => ({ cycle, asOf, areas, teams: [], organisation: null });

const fact = (areaId: string, position: string, on = '2026-11-18'): WeekFact => ({
  teamId: `t-${areaId}`,
  areaId,
  position,
  kind: 'check-in-held',
  on,
});

/** An area's own facts as the query gives them: all of them counted, the latest listed. */
const own = (areaId: string, count: number, ...latest: WeekFact[]): AreaFacts => ({ areaId, count, latest });

describe('the digest, pure', () => {
  it('ranks the rises and the falls, leaving out unchanged areas and those without teams', () => {
    const start = heatmap('2026-11-15', [area('a', 40), area('b', 50), area('c', 30), area('d', null), area('e', 60)]);
    const end = heatmap('2026-11-22', [area('a', 52), area('b', 45), area('c', 31), area('d', null), area('e', 60)]);
    const { up, down } = movers(start, end);
    expect(up.map((c) => [c.area.areaId, c.from, c.to])).toEqual([
      ['a', 40, 52],
      ['c', 30, 31],
    ]);
    expect(down.map((c) => [c.area.areaId, c.from, c.to])).toEqual([['b', 50, 45]]);
  });

  it('keeps five each way, the largest first, ties by name', () => {
    const ids = ['f', 'e', 'd', 'c', 'b', 'a'];
    const { up } = movers(
      heatmap(
        '2026-11-15',
        ids.map((id) => area(id, 10)),
      ),
      heatmap(
        '2026-11-22',
        ids.map((id) => area(id, 20)),
      ),
    );
    expect(up.map((c) => c.area.areaId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('lists forecasts that changed in kind or moved a week or more, changes of kind first, then the largest shift', () => {
    const next = { stage: 'practicing', from: 40 } as const;
    const expected = (on: string): AreaRow['forecast'] => ({
      kind: 'expected',
      next,
      perWeek: 2,
      on,
      earliest: on,
      latest: on,
      afterCycleEnd: false,
    });
    const stalled: AreaRow['forecast'] = { kind: 'not-at-this-pace', next, perWeek: -1 };
    const withForecast = (id: string, forecast: AreaRow['forecast']): AreaRow => ({ ...area(id, 30), forecast });
    const start = heatmap('2026-11-15', [
      withForecast('a', expected('2026-12-10')),
      withForecast('b', expected('2026-12-10')),
      withForecast('c', expected('2026-12-10')),
      withForecast('d', expected('2026-12-10')),
      { ...area('e', null), forecast: stalled },
    ]);
    const end = heatmap('2026-11-22', [
      withForecast('a', expected('2026-12-16')), // 6 days: not listed
      withForecast('b', expected('2026-12-03')), // 7 days sooner
      withForecast('c', expected('2027-01-20')), // 41 days later
      withForecast('d', stalled), // pace lost
      { ...area('e', null), forecast: expected('2026-12-10') }, // no teams: nothing to forecast
    ]);
    expect(forecastChanges(start, end).map((c) => [c.area.areaId, c.shift])).toEqual([
      ['d', null],
      ['c', 41],
      ['b', -7],
    ]);
  });

  it("files a team's facts under its area and every area above it", () => {
    const areas = [area('top', 50), area('mid', 50, 'top'), area('leaf', 50, 'mid'), area('other', 50)];
    const byArea = factsByArea([own('leaf', 1, fact('leaf', '7')), own('mid', 1, fact('mid', '5'))], areas);
    expect(byArea.get('top')?.latest.map((f) => f.position)).toEqual(['7', '5']);
    expect(byArea.get('mid')?.latest.map((f) => f.position)).toEqual(['7', '5']);
    expect(byArea.get('leaf')?.latest.map((f) => f.position)).toEqual(['7']);
    expect(byArea.get('other')).toBeUndefined();
  });

  it("counts every fact below an area but keeps only its newest few, by date and then by the event's position", () => {
    const areas = [area('top', 50), area('a', 50, 'top'), area('b', 50, 'top')];
    const a = own('a', 9, fact('a', '90', '2026-11-20'), fact('a', '80', '2026-11-19'), fact('a', '9', '2026-11-19'));
    const b = own('b', 4, fact('b', '100', '2026-11-19'), fact('b', '10', '2026-11-19'), fact('b', '70', '2026-11-17'));
    const top = factsByArea([a, b], areas).get('top');
    expect(top?.count).toBe(13);
    expect(top?.latest.map((f) => f.position)).toEqual(['90', '100', '80', '10', '9']);
  });

  it('an area stalls with no facts in the week, or with the same score at the end of it and of the weeks before', () => {
    const ends = (b: number[]) =>
      ['2026-11-22', '2026-11-15', '2026-11-08', '2026-11-01'].map((asOf, i) =>
        heatmap(asOf, [area('busy', 40 + i), area('flat', b[i]!), area('quiet', 30 + i), area('empty', null)]),
      );
    const facts = factsByArea([own('busy', 1, fact('busy', '1')), own('flat', 1, fact('flat', '2'))], ends([70, 70, 70, 70])[0]!.areas);
    expect(stalledAreas(ends([70, 70, 70, 70]), facts)).toEqual([
      { area: expect.objectContaining({ areaId: 'flat' }), score: 70, quiet: false, unchangedSince: '2026-11-01' },
      { area: expect.objectContaining({ areaId: 'quiet' }), score: 30, quiet: true, unchangedSince: null },
    ]);
    // A change in any of the weeks is no stall.
    expect(stalledAreas(ends([70, 70, 69, 70]), facts).map((s) => s.area.areaId)).toEqual(['quiet']);
    // Fewer weeks than STALLED_WEEKS in the cycle: the unchanged test cannot be made.
    expect(stalledAreas(ends([70, 70, 70, 70]).slice(0, STALLED_WEEKS), facts).map((s) => s.area.areaId)).toEqual(['quiet']);
  });

  it('lists the stakeholders whose attitude or ADKAR stage changed, biggest move first, with the direction', () => {
    const move = (name: string, before: StakeholderMove['before'], after: StakeholderMove['after']): StakeholderMove => ({
      stakeholderId: name.toLowerCase(),
      name,
      role: 'Lead',
      area: { areaId: 'a', name: 'Area a' },
      before,
      after,
      lastOn: '2026-11-18',
    });
    const moved = stakeholdersMoved([
      move('Same', { attitude: 'neutral', adkarStage: 'desire' }, { attitude: 'neutral', adkarStage: 'desire' }),
      move('Small', { attitude: 'neutral', adkarStage: 'desire' }, { attitude: 'neutral', adkarStage: 'knowledge' }),
      move('Fall', { attitude: 'champion', adkarStage: 'ability' }, { attitude: 'skeptic', adkarStage: 'ability' }),
      move('Mixed', { attitude: 'supporter', adkarStage: 'ability' }, { attitude: 'neutral', adkarStage: 'reinforcement' }),
      move('New', null, { attitude: 'resistor', adkarStage: null }),
    ]);
    expect(moved.map((m) => [m.stakeholder.label, m.direction, m.changes])).toEqual([
      ['Fall', 'worse', ['Attitude Champion → Skeptic']],
      ['Mixed', 'mixed', ['Attitude Supporter → Neutral', 'ADKAR Ability → Reinforcement']],
      ['Small', 'better', ['ADKAR Desire → Knowledge']],
      ['New', 'first', ['Attitude not assessed → Resistor']],
    ]);
  });

  it('takes the latest-starting cycle that overlaps the week', () => {
    const q1 = { ...cycle, cycleId: 'q1', startsOn: '2027-01-01', endsOn: '2027-03-31' };
    expect(cycleOfWeek([cycle, q1], '2026-12-28', '2027-01-03')?.cycleId).toBe('q1');
    expect(cycleOfWeek([cycle, q1], '2026-11-16', '2026-11-22')?.cycleId).toBe('q4');
    expect(cycleOfWeek([cycle, q1], '2026-07-20', '2026-07-26')).toBeNull();
  });

  it('escapes what Markdown would read as markup, and keeps text on one line', () => {
    expect(markdownText('R&D <Labs> *bold* _it_ [link](x) `code` a|b ~s~ #1 !\\')).toBe(
      'R\\&D \\<Labs\\> \\*bold\\* \\_it\\_ \\[link\\](x) \\`code\\` a\\|b \\~s\\~ \\#1 \\!\\\\',
    );
    expect(markdownText('two\n\n# lines\r\n- more')).toBe('two \\# lines - more');
  });
});
