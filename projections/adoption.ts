import type { AdoptionFactKind } from '../src/adoption/model.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { type AdoptionEvent, adoptionEvents } from '../src/team/events.ts';
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

type FactFields = Pick<FactRow, 'kind' | 'on_date'> & Partial<Omit<FactRow, 'event_id' | 'position' | 'event_type' | 'team_id' | 'cycle_id' | 'kind' | 'on_date'>>;

const emptyFields = {
  training_kind: null,
  participants: null,
  objectives: null,
  key_results: null,
  ref: null,
  progress: null,
  attendance: null,
  confidence: null,
  actions: null,
  reason: null,
} satisfies Partial<FactRow>;

function factFields(event: AdoptionEvent): FactFields {
  switch (event.type) {
    case 'TrainingCompleted':
      return { kind: 'training', on_date: event.data.completedOn, training_kind: event.data.kind, participants: event.data.participants };
    case 'OkrsDrafted':
      return { kind: 'drafted', on_date: event.data.draftedOn, objectives: event.data.objectives, key_results: event.data.keyResults };
    case 'OkrsPublished':
      return { kind: 'published', on_date: event.data.publishedOn };
    case 'OkrsAligned':
      return { kind: 'aligned', on_date: event.data.alignedOn, ref: event.data.parentRef };
    case 'CheckInHeld':
      return { kind: 'check-in-held', on_date: event.data.heldOn, attendance: event.data.attendance ?? null, confidence: event.data.confidence ?? null };
    case 'CheckInMissed':
      return { kind: 'check-in-missed', on_date: event.data.dueOn, reason: event.data.reason ?? null };
    case 'KeyResultProgressReported':
      return { kind: 'key-result-progress', on_date: event.data.reportedOn, ref: event.data.keyResultRef, progress: event.data.progress };
    case 'CycleReviewHeld':
      return { kind: 'review', on_date: event.data.heldOn };
    case 'RetrospectiveHeld':
      return { kind: 'retrospective', on_date: event.data.heldOn, actions: event.data.actions ?? null };
    default: {
      const unexpected: never = event;
      throw new Error(`not an adoption event: ${(unexpected as { type: string }).type}`);
    }
  }
}

const adoptionTypes: readonly AdoptionEvent['type'][] = adoptionEvents.map((d) => d.type);
const adoptionTypeSet = new Set<string>(adoptionTypes);

const isAdoptionEvent = (event: { type: string }): event is AdoptionEvent => adoptionTypeSet.has(event.type);

export const adoptionProjection = defineProjection({
  name: 'adoption',
  version: 1,
  reads: ['TeamRegistered', 'CycleOpened', ...adoptionTypes],
  tables: ['adoption_facts', 'adoption_teams', 'adoption_cycles'],
  schema: `
    CREATE TABLE IF NOT EXISTS adoption_facts (
      event_id      TEXT PRIMARY KEY,
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
    -- the heatmap: a cycle's facts of the scored kinds up to a date; covering, so no row is read
    CREATE INDEX IF NOT EXISTS adoption_facts_cycle ON adoption_facts (cycle_id, kind, on_date, team_id);
    -- learn: trainings of any cycle within a window; covering too, and partial, so other facts skip it
    CREATE INDEX IF NOT EXISTS adoption_facts_training ON adoption_facts (on_date, team_id, training_kind, participants) WHERE kind = 'training';
    -- evidence: one team's facts of a dimension
    CREATE INDEX IF NOT EXISTS adoption_facts_team ON adoption_facts (team_id, kind, on_date);
    -- the teams and cycles facts may refer to (this projection does not read another's tables)
    CREATE TABLE IF NOT EXISTS adoption_teams (team_id TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS adoption_cycles (cycle_id TEXT PRIMARY KEY);
  `,
  prepare: (db: SqlDatabase) => ({
    addTeam: db.prepare<[string]>('INSERT INTO adoption_teams (team_id) VALUES (?) ON CONFLICT DO NOTHING'),
    addCycle: db.prepare<[string]>('INSERT INTO adoption_cycles (cycle_id) VALUES (?) ON CONFLICT DO NOTHING'),
    teamKnown: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM adoption_teams WHERE team_id = ?'),
    cycleKnown: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM adoption_cycles WHERE cycle_id = ?'),
    insertFact: db.prepare<[FactRow]>(`
      INSERT INTO adoption_facts (event_id, position, event_type, team_id, cycle_id, kind, on_date, training_kind, participants,
        objectives, key_results, ref, progress, attendance, confidence, actions, reason)
      VALUES (@event_id, @position, @event_type, @team_id, @cycle_id, @kind, @on_date, @training_kind, @participants,
        @objectives, @key_results, @ref, @progress, @attendance, @confidence, @actions, @reason)
      ON CONFLICT DO NOTHING`),
  }),
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
    const { teamId } = event.data;
    // A training may name no cycle, or one this store never saw: learn does not depend on it.
    const cycleId = 'cycleId' in event.data ? (event.data.cycleId ?? null) : null;
    if (!sql.teamKnown.get(teamId)) return `unknown team ${teamId}`;
    if (event.type !== 'TrainingCompleted' && cycleId !== null && !sql.cycleKnown.get(cycleId)) return `unknown cycle ${cycleId}`;
    sql.insertFact.run({
      ...emptyFields,
      ...factFields(event),
      event_id: event.metadata.eventId,
      position: event.position.toString(),
      event_type: event.type,
      team_id: teamId,
      cycle_id: cycleId,
    });
    return undefined;
  },
});
