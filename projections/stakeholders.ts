import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/** Influence and interest are 1–5; anything else is clamped. */
const rating = (value: number): number => Math.min(5, Math.max(1, Math.round(value)));

/** Who the change needs, where they stand (influence, interest, attitude, ADKAR) and when they were last engaged. */
export const stakeholdersProjection = defineProjection({
  name: 'stakeholders',
  version: 1,
  reads: ['StakeholderIdentified', 'StakeholderMapped', 'AttitudeAssessed', 'AdkarStageAssessed', 'EngagementLogged'],
  tables: ['stakeholders'],
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
      last_engaged_on TEXT,
      engagements     INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS stakeholders_area ON stakeholders (area_id);
  `,
  prepare: (db: SqlDatabase) => ({
    identify: db.prepare<[string, string, string, string, number, number]>(
      'INSERT INTO stakeholders (stakeholder_id, name, role, area_id, influence, interest) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    map: db.prepare<[number, number, string]>('UPDATE stakeholders SET influence = ?, interest = ? WHERE stakeholder_id = ?'),
    attitude: db.prepare<[string, string]>('UPDATE stakeholders SET attitude = ? WHERE stakeholder_id = ?'),
    adkar: db.prepare<[string, string]>('UPDATE stakeholders SET adkar_stage = ? WHERE stakeholder_id = ?'),
    engage: db.prepare<[string, string]>(`
      UPDATE stakeholders SET engagements = engagements + 1, last_engaged_on = max(coalesce(last_engaged_on, ''), ?)
      WHERE stakeholder_id = ?`),
  }),
  handle(sql, event) {
    switch (event.type) {
      case 'StakeholderIdentified': {
        const { stakeholderId, name, role, areaId, influence, interest } = event.data;
        return unless(sql.identify.run(stakeholderId, name, role, areaId, rating(influence), rating(interest)).changes, `stakeholder ${stakeholderId} already identified`);
      }
      case 'StakeholderMapped': {
        const { influence, interest, stakeholderId } = event.data;
        return unless(sql.map.run(rating(influence), rating(interest), stakeholderId).changes, `unknown stakeholder ${stakeholderId}`);
      }
      case 'AttitudeAssessed':
        return unless(sql.attitude.run(event.data.attitude, event.data.stakeholderId).changes, `unknown stakeholder ${event.data.stakeholderId}`);
      case 'AdkarStageAssessed':
        return unless(sql.adkar.run(event.data.stage, event.data.stakeholderId).changes, `unknown stakeholder ${event.data.stakeholderId}`);
      case 'EngagementLogged':
        return unless(sql.engage.run(event.data.occurredOn, event.data.stakeholderId).changes, `unknown stakeholder ${event.data.stakeholderId}`);
      default:
        return undefined;
    }
  },
});
