import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/** The organisation as it is now: areas (a tree), teams, coaches and who coaches where, cycles. */
export const orgProjection = defineProjection({
  name: 'org',
  // 2: an area's teams indexed in key order, so its first few are read without sorting them all
  version: 2,
  reads: [
    'AreaRegistered',
    'AreaRenamed',
    'AreaMoved',
    'CoachRegistered',
    'CoachAssignedToArea',
    'CoachUnassignedFromArea',
    'TeamRegistered',
    'TeamMoved',
    'TeamResized',
    'CycleOpened',
    'CycleClosed',
  ],
  tables: ['org_areas', 'org_teams', 'org_coaches', 'org_area_coaches', 'org_cycles'],
  schema: `
    CREATE TABLE IF NOT EXISTS org_areas (
      area_id        TEXT PRIMARY KEY,
      code           TEXT NOT NULL,
      name           TEXT NOT NULL,
      parent_area_id TEXT
    );
    CREATE INDEX IF NOT EXISTS org_areas_parent ON org_areas (parent_area_id);
    CREATE TABLE IF NOT EXISTS org_teams (
      team_id TEXT PRIMARY KEY,
      key     TEXT NOT NULL,
      name    TEXT NOT NULL,
      area_id TEXT NOT NULL,
      size    INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS org_teams_area_key ON org_teams (area_id, key, team_id);
    CREATE TABLE IF NOT EXISTS org_coaches (
      coach_id TEXT PRIMARY KEY,
      name     TEXT NOT NULL,
      email    TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS org_area_coaches (
      area_id  TEXT NOT NULL,
      coach_id TEXT NOT NULL,
      PRIMARY KEY (area_id, coach_id)
    );
    CREATE TABLE IF NOT EXISTS org_cycles (
      cycle_id              TEXT PRIMARY KEY,
      name                  TEXT NOT NULL,
      starts_on             TEXT NOT NULL,
      ends_on               TEXT NOT NULL,
      check_in_cadence_days INTEGER NOT NULL,
      closed_on             TEXT
    );
  `,
  prepare: (db: SqlDatabase) => ({
    areaExists: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM org_areas WHERE area_id = ?'),
    /** Whether `candidate` is `area` or lies under it: moving `area` under it would make a loop. */
    isWithin: db.prepare<[string, string], { found: 1 }>(`
      WITH RECURSIVE below(area_id) AS (
        SELECT ? UNION SELECT a.area_id FROM org_areas a JOIN below b ON a.parent_area_id = b.area_id
      ) SELECT 1 AS found FROM below WHERE area_id = ?`),
    registerArea: db.prepare<[string, string, string, string | null]>(
      'INSERT INTO org_areas (area_id, code, name, parent_area_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    renameArea: db.prepare<[string, string]>('UPDATE org_areas SET name = ? WHERE area_id = ?'),
    moveArea: db.prepare<[string | null, string]>('UPDATE org_areas SET parent_area_id = ? WHERE area_id = ?'),
    coachExists: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM org_coaches WHERE coach_id = ?'),
    registerCoach: db.prepare<[string, string, string]>(
      'INSERT INTO org_coaches (coach_id, name, email) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    assignCoach: db.prepare<[string, string]>('INSERT INTO org_area_coaches (area_id, coach_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    unassignCoach: db.prepare<[string, string]>('DELETE FROM org_area_coaches WHERE area_id = ? AND coach_id = ?'),
    registerTeam: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO org_teams (team_id, key, name, area_id, size) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    moveTeam: db.prepare<[string, string]>('UPDATE org_teams SET area_id = ? WHERE team_id = ?'),
    resizeTeam: db.prepare<[number, string]>('UPDATE org_teams SET size = ? WHERE team_id = ?'),
    openCycle: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO org_cycles (cycle_id, name, starts_on, ends_on, check_in_cadence_days) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    closeCycle: db.prepare<[string, string]>('UPDATE org_cycles SET closed_on = ? WHERE cycle_id = ?'),
  }),
  handle(sql, event) {
    switch (event.type) {
      case 'AreaRegistered': {
        const { areaId, code, name, parentAreaId } = event.data;
        if (parentAreaId && !sql.areaExists.get(parentAreaId)) return `unknown parent area ${parentAreaId}`;
        return unless(sql.registerArea.run(areaId, code, name, parentAreaId).changes, `area ${areaId} already registered`);
      }
      case 'AreaRenamed':
        return unless(sql.renameArea.run(event.data.name, event.data.areaId).changes, `unknown area ${event.data.areaId}`);
      case 'AreaMoved': {
        const { areaId, parentAreaId } = event.data;
        if (!sql.areaExists.get(areaId)) return `unknown area ${areaId}`;
        if (parentAreaId) {
          if (!sql.areaExists.get(parentAreaId)) return `unknown parent area ${parentAreaId}`;
          if (sql.isWithin.get(areaId, parentAreaId)) return `moving area ${areaId} under ${parentAreaId} would make a loop`;
        }
        sql.moveArea.run(parentAreaId, areaId);
        return undefined;
      }
      case 'CoachRegistered':
        return unless(
          sql.registerCoach.run(event.data.coachId, event.data.name, event.data.email).changes,
          `coach ${event.data.coachId} already registered`,
        );
      case 'CoachAssignedToArea': {
        const { areaId, coachId } = event.data;
        if (!sql.areaExists.get(areaId)) return `unknown area ${areaId}`;
        if (!sql.coachExists.get(coachId)) return `unknown coach ${coachId}`;
        sql.assignCoach.run(areaId, coachId);
        return undefined;
      }
      case 'CoachUnassignedFromArea':
        return unless(
          sql.unassignCoach.run(event.data.areaId, event.data.coachId).changes,
          `coach ${event.data.coachId} was not assigned to area ${event.data.areaId}`,
        );
      case 'TeamRegistered': {
        const { teamId, key, name, areaId, size } = event.data;
        if (!sql.areaExists.get(areaId)) return `unknown area ${areaId}`;
        return unless(sql.registerTeam.run(teamId, key, name, areaId, Math.max(1, size)).changes, `team ${teamId} already registered`);
      }
      case 'TeamMoved':
        if (!sql.areaExists.get(event.data.areaId)) return `unknown area ${event.data.areaId}`;
        return unless(sql.moveTeam.run(event.data.areaId, event.data.teamId).changes, `unknown team ${event.data.teamId}`);
      case 'TeamResized':
        return unless(sql.resizeTeam.run(Math.max(1, event.data.size), event.data.teamId).changes, `unknown team ${event.data.teamId}`);
      case 'CycleOpened': {
        const { cycleId, name, startsOn, endsOn, checkInCadenceDays } = event.data;
        return unless(
          sql.openCycle.run(cycleId, name, startsOn, endsOn, Math.max(1, checkInCadenceDays)).changes,
          `cycle ${cycleId} already opened`,
        );
      }
      case 'CycleClosed':
        return unless(sql.closeCycle.run(event.data.closedOn, event.data.cycleId).changes, `unknown cycle ${event.data.cycleId}`);
      default:
        return undefined;
    }
  },
});
