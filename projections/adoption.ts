import { adoptionFactOf, adoptionTypes, isAdoptionEvent } from '../src/adoption/facts.ts';
import { type AdoptionFactKind, type FirstDateKind, firstDateKinds, isFirstDateKind } from '../src/adoption/model.ts';
import type { SqlDatabase, SqlStatement } from '../src/shared/sql.ts';
import { defineProjection } from './support.ts';

/**
 * One row per adoption fact, with its business date: the heatmap as of any date reads the facts
 * dated on or before it, and each row names its event, so a score can be traced to its evidence.
 */
export interface FactRow {
  event_id: string;
  position: string;
  event_type: string;
  team_id: string;
  /** Null for a training not tied to a cycle (learn counts trainings of any cycle). */
  cycle_id: string | null;
  kind: AdoptionFactKind;
  on_date: string;
  training_kind: string | null;
  participants: number | null;
  objectives: number | null;
  key_results: number | null;
  /** Parent objective (aligned) or key result (progress). */
  ref: string | null;
  progress: number | null;
  attendance: number | null;
  confidence: number | null;
  actions: number | null;
  reason: string | null;
}

/** A FactRow's values in its column order. */
type FactValues = [
  event_id: string,
  position: string,
  event_type: string,
  team_id: string,
  cycle_id: string | null,
  kind: AdoptionFactKind,
  on_date: string,
  training_kind: string | null,
  participants: number | null,
  objectives: number | null,
  key_results: number | null,
  ref: string | null,
  progress: number | null,
  attendance: number | null,
  confidence: number | null,
  actions: number | null,
  reason: string | null,
];

/** The summary column holding a first-date kind's earliest date. */
export const firstDateColumn = <K extends FirstDateKind>(kind: K): `${K}_on` => `${kind}_on`;

/** A team's summary in a cycle: what its scores as of any date are computed from (see docs/adoption-model.md, "As of any date"). */
export interface SummaryRow {
  team_id: string;
  drafted_on: string | null;
  published_on: string | null;
  aligned_on: string | null;
  review_on: string | null;
  retrospective_on: string | null;
  /** The dates of its check-ins held, comma-separated, in the order they were recorded. */
  held_on: string | null;
}

/** A team's trainings of every cycle, as a JSON array of [date, training kind, participants]. */
export interface TrainingsRow {
  team_id: string;
  trainings: string;
}

/** Earliest of the stored date and the new one (either may be null). */
const earliest = (column: string): string =>
  `${column} = min(coalesce(${column}, excluded.${column}), coalesce(excluded.${column}, ${column}))`;

function isKnown(found: Set<string>, lookUp: SqlStatement<[string], { found: 1 }>, id: string): boolean {
  if (found.has(id)) return true;
  if (!lookUp.get(id)) return false;
  found.add(id);
  return true;
}

export const adoptionProjection = defineProjection({
  name: 'adoption',
  // 2: facts keyed by rowid (appended in position order) instead of event id; fewer, partial indexes
  // 3: a summary per team and cycle, and each team's trainings, for the heatmap as of any date
  version: 3,
  reads: ['TeamRegistered', 'CycleOpened', ...adoptionTypes],
  tables: ['adoption_facts', 'adoption_summaries', 'adoption_trainings', 'adoption_teams', 'adoption_cycles'],
  // Most facts are key-result progress and check-ins: every index they enter is maintained row by
  // row during a rebuild, so only the evidence index (one team's facts, a few hundred) holds them;
  // the heatmap reads the summaries instead. No unique event id: the runner's
  // checkpoint already applies each event exactly once, and a random-key index is the costliest.
  schema: `
    CREATE TABLE IF NOT EXISTS adoption_facts (
      event_id      TEXT NOT NULL,
      position      TEXT NOT NULL,
      event_type    TEXT NOT NULL,
      team_id       TEXT NOT NULL,
      cycle_id      TEXT,
      kind          TEXT NOT NULL,
      on_date       TEXT NOT NULL,
      training_kind TEXT,
      participants  INTEGER,
      objectives    INTEGER,
      key_results   INTEGER,
      ref           TEXT,
      progress      REAL,
      attendance    REAL,
      confidence    REAL,
      actions       INTEGER,
      reason        TEXT
    );
    -- evidence: one team's facts in date order
    CREATE INDEX IF NOT EXISTS adoption_facts_team ON adoption_facts (team_id, on_date);
    -- the digest: a week's facts of every team, newest first, but key-result progress, which moves no score (a few percent of the rows)
    CREATE INDEX IF NOT EXISTS adoption_facts_week ON adoption_facts (on_date, CAST(position AS INTEGER), team_id, kind, cycle_id, position)
      WHERE kind <> 'key-result-progress';
    -- the heatmap as of any date: one row per team and cycle instead of its facts
    CREATE TABLE IF NOT EXISTS adoption_summaries (
      team_id          TEXT NOT NULL,
      cycle_id         TEXT NOT NULL,
      ${firstDateKinds.map((kind) => `${firstDateColumn(kind)} TEXT,`).join('\n      ')}
      held_on          TEXT,
      PRIMARY KEY (cycle_id, team_id)
    ) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS adoption_trainings (team_id TEXT PRIMARY KEY, trainings TEXT NOT NULL) WITHOUT ROWID;
    -- the teams and cycles facts may refer to (this projection does not read another's tables)
    CREATE TABLE IF NOT EXISTS adoption_teams (team_id TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS adoption_cycles (cycle_id TEXT PRIMARY KEY);
  `,
  prepare: (db: SqlDatabase) => ({
    addTeam: db.prepare<[string]>('INSERT INTO adoption_teams (team_id) VALUES (?) ON CONFLICT DO NOTHING'),
    addCycle: db.prepare<[string]>('INSERT INTO adoption_cycles (cycle_id) VALUES (?) ON CONFLICT DO NOTHING'),
    teamKnown: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM adoption_teams WHERE team_id = ?'),
    cycleKnown: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM adoption_cycles WHERE cycle_id = ?'),
    // Positional parameters: binding by name costs a lookup per column per row.
    insertFact: db.prepare<FactValues>(`
      INSERT INTO adoption_facts (event_id, position, event_type, team_id, cycle_id, kind, on_date, training_kind, participants,
        objectives, key_results, ref, progress, attendance, confidence, actions, reason)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    summarise: db.prepare<[string, string, ...(string | null)[]]>(`
      INSERT INTO adoption_summaries (team_id, cycle_id, ${firstDateKinds.map(firstDateColumn).join(', ')}, held_on)
      VALUES (?, ?, ${firstDateKinds.map(() => '?').join(', ')}, ?)
      ON CONFLICT (cycle_id, team_id) DO UPDATE SET
        ${firstDateKinds.map((kind) => earliest(firstDateColumn(kind))).join(',\n        ')},
        held_on = CASE WHEN held_on IS NULL THEN excluded.held_on WHEN excluded.held_on IS NULL THEN held_on
                  ELSE held_on || ',' || excluded.held_on END`),
    addTraining: db.prepare<[{ team: string; on: string; kind: string; participants: number }]>(`
      INSERT INTO adoption_trainings (team_id, trainings) VALUES (@team, json_array(json_array(@on, @kind, @participants)))
      ON CONFLICT (team_id) DO UPDATE SET trainings = json_insert(trainings, '$[#]', json_array(@on, @kind, @participants))`),
    /** Teams and cycles found during this fold: saves two queries per fact (rows here are never removed). */
    found: { teams: new Set<string>(), cycles: new Set<string>() },
  }),
  beginFold({ found }) {
    found.teams.clear();
    found.cycles.clear();
  },
  handle(sql, event) {
    if (event.type === 'TeamRegistered') {
      sql.addTeam.run(event.data.teamId);
      return undefined;
    }
    if (event.type === 'CycleOpened') {
      sql.addCycle.run(event.data.cycleId);
      return undefined;
    }
    if (!isAdoptionEvent(event)) return undefined;
    const { teamId, cycleId, fact, details: d } = adoptionFactOf(event);
    if (!isKnown(sql.found.teams, sql.teamKnown, teamId)) return `unknown team ${teamId}`;
    // A training may name no cycle, or one this store never saw: learn does not depend on it.
    if (fact.kind !== 'training' && cycleId !== null && !isKnown(sql.found.cycles, sql.cycleKnown, cycleId))
      return `unknown cycle ${cycleId}`;
    sql.insertFact.run(
      event.metadata.eventId,
      event.position.toString(),
      event.type,
      teamId,
      cycleId,
      fact.kind,
      fact.on,
      fact.kind === 'training' ? fact.trainingKind : null,
      fact.kind === 'training' ? fact.participants : null,
      d.objectives ?? null,
      d.keyResults ?? null,
      d.ref ?? null,
      d.progress ?? null,
      d.attendance ?? null,
      d.confidence ?? null,
      d.actions ?? null,
      d.reason ?? null,
    );
    if (fact.kind === 'training')
      sql.addTraining.run({ team: teamId, on: fact.on, kind: fact.trainingKind, participants: fact.participants });
    else if (cycleId !== null && (fact.kind === 'check-in-held' || isFirstDateKind(fact.kind)))
      sql.summarise.run(
        teamId,
        cycleId,
        ...firstDateKinds.map((kind) => (kind === fact.kind ? fact.on : null)),
        fact.kind === 'check-in-held' ? fact.on : null,
      );
    return undefined;
  },
});
