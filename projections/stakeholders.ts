import type { RecordedEvent } from '../src/shared/event.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/** Influence and interest are 1–5; anything else is clamped. */
const rating = (value: number): number => Math.min(5, Math.max(1, Math.round(value)));

/** What a history entry changed: the values themselves are the stakeholder's after it, so rewording needs no rebuild. */
export const historyAspects = ['identified', 'mapping', 'attitude', 'adkar', 'desired'] as const;
export type HistoryAspect = (typeof historyAspects)[number];

/**
 * Who the change needs, where they stand (influence, interest, attitude, ADKAR) and when they
 * were last engaged; each stakeholder's engagement log, and their history: one row per
 * identification, re-mapping, assessment and aim with where they stood after it (the query pairs
 * each with the one before, so it reads before → after). The history is dated by business time
 * and indexed by it, per stakeholder (where someone stood on a day) and across everyone (who
 * moved in a period).
 */
export const stakeholdersProjection = defineProjection({
  name: 'stakeholders',
  version: 4,
  reads: [
    'StakeholderIdentified',
    'StakeholderMapped',
    'AttitudeAssessed',
    'AdkarStageAssessed',
    'StakeholderDesiredAttitudeSet',
    'EngagementLogged',
  ],
  tables: ['stakeholders', 'stakeholder_engagements', 'stakeholder_history'],
  schema: `
    CREATE TABLE IF NOT EXISTS stakeholders (
      stakeholder_id  TEXT PRIMARY KEY,
      name            TEXT NOT NULL,
      role            TEXT NOT NULL,
      area_id         TEXT NOT NULL,
      influence       INTEGER NOT NULL,
      interest        INTEGER NOT NULL,
      attitude        TEXT,
      adkar_stage     TEXT,
      desired_attitude TEXT,
      last_engaged_on TEXT,
      engagements     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS stakeholders_area ON stakeholders (area_id);
    -- The list by influence and each of the grid's cells by name, neither sorting the whole table.
    CREATE INDEX IF NOT EXISTS stakeholders_by_place ON stakeholders (influence DESC, interest DESC, name, stakeholder_id);
    CREATE TABLE IF NOT EXISTS stakeholder_engagements (
      stakeholder_id TEXT NOT NULL,
      engagement_id  TEXT NOT NULL,
      revision       INTEGER NOT NULL,
      kind           TEXT NOT NULL,
      occurred_on    TEXT NOT NULL,
      sentiment      INTEGER NOT NULL,
      note           TEXT,
      coach_id       TEXT NOT NULL,
      PRIMARY KEY (stakeholder_id, engagement_id)
    ) WITHOUT ROWID;
    -- Sentiment too, so relationship health sums a look-back from the index alone.
    CREATE INDEX IF NOT EXISTS stakeholder_engagements_by_day ON stakeholder_engagements (stakeholder_id, occurred_on, revision, sentiment);
    CREATE TABLE IF NOT EXISTS stakeholder_history (
      stakeholder_id TEXT NOT NULL,
      revision       INTEGER NOT NULL,
      aspect         TEXT NOT NULL,
      influence      INTEGER NOT NULL,
      interest       INTEGER NOT NULL,
      attitude       TEXT,
      adkar_stage    TEXT,
      desired_attitude TEXT,
      note           TEXT,
      occurred_at    TEXT NOT NULL,
      actor_kind     TEXT NOT NULL,
      actor_id       TEXT NOT NULL,
      PRIMARY KEY (stakeholder_id, revision)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS stakeholder_history_by_time ON stakeholder_history (stakeholder_id, occurred_at);
    CREATE INDEX IF NOT EXISTS stakeholder_history_in_period ON stakeholder_history (occurred_at, aspect);
  `,
  prepare: (db: SqlDatabase) => ({
    identify: db.prepare<[string, string, string, string, number, number]>(
      'INSERT INTO stakeholders (stakeholder_id, name, role, area_id, influence, interest) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    map: db.prepare<[number, number, string]>('UPDATE stakeholders SET influence = ?, interest = ? WHERE stakeholder_id = ?'),
    attitude: db.prepare<[string, string]>('UPDATE stakeholders SET attitude = ? WHERE stakeholder_id = ?'),
    adkar: db.prepare<[string, string]>('UPDATE stakeholders SET adkar_stage = ? WHERE stakeholder_id = ?'),
    desired: db.prepare<[string, string]>('UPDATE stakeholders SET desired_attitude = ? WHERE stakeholder_id = ?'),
    engage: db.prepare<[string, string]>(`
      UPDATE stakeholders SET engagements = engagements + 1, last_engaged_on = max(coalesce(last_engaged_on, ''), ?)
      WHERE stakeholder_id = ?`),
    logEngagement: db.prepare<[string, string, number, string, string, number, string | null, string]>(`
      INSERT INTO stakeholder_engagements (stakeholder_id, engagement_id, revision, kind, occurred_on, sentiment, note, coach_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
    // Where the stakeholder stands once the event is folded: read back from their row.
    history: db.prepare<[number, string, string | null, string, string, string, string]>(`
      INSERT INTO stakeholder_history (stakeholder_id, revision, aspect, influence, interest, attitude, adkar_stage, desired_attitude, note, occurred_at, actor_kind, actor_id)
      SELECT stakeholder_id, ?, ?, influence, interest, attitude, adkar_stage, desired_attitude, ?, ?, ?, ? FROM stakeholders WHERE stakeholder_id = ?
      ON CONFLICT DO NOTHING`),
  }),
  handle(sql, event) {
    const remember = (e: RecordedEvent, stakeholderId: string, aspect: HistoryAspect, note?: string) => {
      const { occurredAt, actor } = e.metadata;
      sql.history.run(e.revision, aspect, note ?? null, occurredAt, actor.kind, actor.id, stakeholderId);
    };
    switch (event.type) {
      case 'StakeholderIdentified': {
        const { stakeholderId, name, role, areaId, influence, interest } = event.data;
        const skipped = unless(
          sql.identify.run(stakeholderId, name, role, areaId, rating(influence), rating(interest)).changes,
          `stakeholder ${stakeholderId} already identified`,
        );
        if (skipped === undefined) remember(event, stakeholderId, 'identified');
        return skipped;
      }
      case 'StakeholderMapped': {
        const { influence, interest, stakeholderId } = event.data;
        const skipped = unless(
          sql.map.run(rating(influence), rating(interest), stakeholderId).changes,
          `unknown stakeholder ${stakeholderId}`,
        );
        if (skipped === undefined) remember(event, stakeholderId, 'mapping');
        return skipped;
      }
      case 'AttitudeAssessed': {
        const { attitude, stakeholderId, note } = event.data;
        const skipped = unless(sql.attitude.run(attitude, stakeholderId).changes, `unknown stakeholder ${stakeholderId}`);
        if (skipped === undefined) remember(event, stakeholderId, 'attitude', note);
        return skipped;
      }
      case 'AdkarStageAssessed': {
        const { stage, stakeholderId, note } = event.data;
        const skipped = unless(sql.adkar.run(stage, stakeholderId).changes, `unknown stakeholder ${stakeholderId}`);
        if (skipped === undefined) remember(event, stakeholderId, 'adkar', note);
        return skipped;
      }
      case 'StakeholderDesiredAttitudeSet': {
        const { attitude, stakeholderId, reason } = event.data;
        const skipped = unless(sql.desired.run(attitude, stakeholderId).changes, `unknown stakeholder ${stakeholderId}`);
        if (skipped === undefined) remember(event, stakeholderId, 'desired', reason);
        return skipped;
      }
      case 'EngagementLogged': {
        const { stakeholderId, engagementId, kind, occurredOn, sentiment, note, coachId } = event.data;
        const skipped = unless(sql.engage.run(occurredOn, stakeholderId).changes, `unknown stakeholder ${stakeholderId}`);
        if (skipped === undefined)
          sql.logEngagement.run(stakeholderId, engagementId, event.revision, kind, occurredOn, sentiment, note ?? null, coachId);
        return skipped;
      }
      default:
        return undefined;
    }
  },
});
