import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { ProjectionRunner, readModels, SqliteHeatmapQueries } from '../../projections/index.ts';
import { addDays } from '../../src/adoption/calendar.ts';
import { type AdoptionFact, assessArea, assessTeam, type CycleDates, rollUp, scoredKinds } from '../../src/adoption/model.ts';
import { areaSeries } from '../../src/adoption/trend.ts';
import { seed } from '../../src/seed/seed.ts';

// The heatmap as of a date is computed from the adoption summaries; here every team is scored
// again from its facts, one by one, as the model defines it, and both must agree on every date.
const TODAY = '2026-11-20';
let db: Database.Database;
let queries: SqliteHeatmapQueries;

beforeAll(async () => {
  db = openDatabase(':memory:');
  const store = new SqliteEventStore(db);
  await seed({ store, unitOfWork: sqliteUnitOfWork(db) }, { today: TODAY, now: new Date(`${TODAY}T12:00:00Z`), scale: 1 });
  await new ProjectionRunner(db, store, readModels).catchUp();
  queries = new SqliteHeatmapQueries(db);
}, 120_000);

afterAll(() => db.close());

interface Fact {
  team_id: string;
  cycle_id: string | null;
  kind: AdoptionFact['kind'];
  on_date: string;
  training_kind: string | null;
  participants: number | null;
}

/**
 * A team's facts a score may count in a cycle: its own scored facts in the cycle, its trainings
 * of any cycle, and its alignment in the cycle as the objectives read model recorded it.
 */
function factsOf(teamId: string, cycleId: string): AdoptionFact[] {
  const adoption = db
    .prepare<[string], Fact>('SELECT team_id, cycle_id, kind, on_date, training_kind, participants FROM adoption_facts WHERE team_id = ?')
    .all(teamId)
    .filter((f) => scoredKinds.includes(f.kind) && (f.kind === 'training' || f.cycle_id === cycleId))
    .map(
      (f): AdoptionFact =>
        f.kind === 'training'
          ? { kind: 'training', on: f.on_date, trainingKind: f.training_kind!, participants: f.participants! }
          : { kind: f.kind as Exclude<AdoptionFact['kind'], 'training' | 'alignment'>, on: f.on_date },
    );
  const alignment = db
    .prepare<[string, string], { on_date: string; objectives: number; reaching: number }>(
      'SELECT on_date, objectives, reaching FROM strategy_alignment WHERE team_id = ? AND cycle_id = ? ORDER BY rowid',
    )
    .all(teamId, cycleId)
    .map((a): AdoptionFact => ({ kind: 'alignment', on: a.on_date, objectives: a.objectives, reaching: a.reaching }));
  return [...adoption, ...alignment];
}

describe('the heatmap as of a date, from the summaries, equals the score from the facts', () => {
  it('for every team and every area page, on dates across both cycles', () => {
    const cycles = queries.cycles();
    expect(cycles).toHaveLength(2);
    const firstFact = db.prepare<[], { first: string }>('SELECT min(on_date) AS first FROM adoption_facts').get()!.first;
    const teams = db.prepare<[], { teamId: string; size: number }>('SELECT team_id AS teamId, size FROM org_teams').all();
    let withoutFacts = 0;
    const scored = { learn: 0, set: 0, align: 0, run: 0, reflect: 0 };
    for (const cycle of cycles) {
      const dates = [
        addDays(firstFact, -1),
        addDays(cycle.startsOn, -1),
        cycle.startsOn,
        addDays(cycle.startsOn, 17),
        addDays(cycle.startsOn, 45),
        addDays(cycle.endsOn, -1),
        cycle.endsOn,
        addDays(cycle.endsOn, 30),
        TODAY,
      ];
      for (const asOf of dates) {
        const heatmap = queries.heatmap(cycle.cycleId, asOf)!;
        for (const team of teams) {
          const facts = factsOf(team.teamId, cycle.cycleId);
          if (!facts.some((f) => f.on <= asOf)) withoutFacts += 1;
          const expected = assessTeam(facts, team.size, cycle as CycleDates, asOf);
          const row = queries.team(team.teamId, cycle.cycleId, asOf)!;
          for (const dimension of Object.keys(scored) as (keyof typeof scored)[]) if (row.scores[dimension] > 0) scored[dimension] += 1;
          expect({ team: team.teamId, asOf, scores: row.scores, stage: row.stage, checkIn: row.checkIn }).toEqual({
            team: team.teamId,
            asOf,
            scores: expected.scores,
            stage: expected.stage,
            checkIn: expected.checkIn,
          });
        }
        expect(heatmap.areas.length).toBeGreaterThan(0);
        // An area page scores only its subtree's teams; it shows what the whole heatmap shows of them.
        const rows = teams.map((t) => {
          const { area: _area, ...row } = queries.team(t.teamId, cycle.cycleId, asOf)!;
          return row;
        });
        // Areas are summed subtree by subtree; each must equal the roll-up of every team below it.
        expect(heatmap.organisation).toEqual(rollUp(rows));
        const below = (areaId: string): string[] => [
          areaId,
          ...heatmap.areas.filter((a) => a.parentAreaId === areaId).flatMap((a) => below(a.areaId)),
        ];
        for (const area of heatmap.areas) {
          const subtree = new Set(below(area.areaId));
          const teamsBelow = rows.filter((t) => subtree.has(t.areaId));
          const assessed = teamsBelow.map((t) => ({
            ...t,
            previous: assessTeam(factsOf(t.teamId, cycle.cycleId), t.size, cycle, asOf).previous,
          }));
          const { scores, stage, freshness } = assessArea(assessed);
          const trend = areaSeries(
            teamsBelow.map((t) => ({ size: t.size, scores: t.trend.map((p) => p.score) })),
            area.trend.map((p) => p.on),
          );
          expect({ area: area.code, asOf, scores: area.scores, stage: area.stage, freshness: area.freshness, trend: area.trend }).toEqual({
            area: area.code,
            asOf,
            scores,
            stage,
            freshness,
            trend,
          });
          expect([area.teamCount, area.people]).toEqual([teamsBelow.length, teamsBelow.reduce((sum, t) => sum + t.size, 0)]);
        }
        for (const area of heatmap.areas) {
          const detail = queries.area(area.areaId, cycle.cycleId, asOf)!;
          expect(detail.area).toEqual(area);
          expect(detail.children).toEqual(heatmap.areas.filter((a) => a.parentAreaId === area.areaId));
          const byId = (a: { teamId: string }, b: { teamId: string }) => a.teamId.localeCompare(b.teamId);
          expect([...detail.teams].sort(byId)).toEqual(rows.filter((t) => t.areaId === area.areaId).sort(byId));
        }
      }
    }
    // Every dimension was scored above 0 somewhere, and dates before a team's first fact were asked about too.
    for (const dimension of Object.keys(scored) as (keyof typeof scored)[])
      expect(scored[dimension], dimension).toBeGreaterThan(teams.length);
    expect(withoutFacts).toBeGreaterThan(teams.length);
  }, 120_000);
});
