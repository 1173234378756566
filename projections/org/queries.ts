import type { SqlDatabase } from '../../src/shared/sql.ts';
import { orgProjection } from '../org.ts';
import { perCheckpoint } from '../perCheckpoint.ts';
import { signalsProjection } from '../signals.ts';
import { stakeholdersProjection } from '../stakeholders.ts';

/** An area in the organisation tree: where it sits, how many teams it holds, who coaches it. */
export interface OrgArea {
  areaId: string;
  code: string;
  name: string;
  parentAreaId: string | null;
  /** 0 for top-level areas. */
  depth: number;
  /** Teams directly in the area. */
  teams: number;
  /** Teams in the area and every area below it. */
  teamsWithin: number;
  coaches: { coachId: string; name: string }[];
}

export interface OrgCoach {
  coachId: string;
  name: string;
  email: string;
  /** The areas the coach is assigned to, by name. */
  areas: { areaId: string; name: string }[];
}

export interface OrgTeam {
  teamId: string;
  key: string;
  name: string;
  size: number;
}

export interface OpenSignal {
  signalId: string;
  areaId: string;
  areaName: string;
  teamId: string | null;
  teamName: string | null;
  kind: string;
  severity: number;
  /** Its status now: open, acknowledged or escalated. */
  status: string;
  raisedOn: string;
  description: string;
}

export interface OpenSignals {
  total: number;
  /** How many of each severity, highest first; severities with none left out. */
  bySeverity: { severity: number; count: number }[];
  /** The most severe, newest first within a severity. */
  top: OpenSignal[];
}

export interface AreaStakeholder {
  stakeholderId: string;
  name: string;
  role: string;
  influence: number;
  interest: number;
  attitude: string | null;
  adkarStage: string | null;
  lastEngagedOn: string | null;
}

export interface AreaStakeholders {
  total: number;
  /** The most influential, then the most interested. */
  top: AreaStakeholder[];
}

export interface OrgQueries {
  /** Every area in tree order: depth first, siblings by code. */
  areas(): OrgArea[];
  coaches(): OrgCoach[];
  /** The coaches assigned to the area itself, by name. */
  coachesOf(areaId: string): Omit<OrgCoach, 'areas'>[];
  /** Teams directly in the area, by key. */
  teamsIn(areaId: string): OrgTeam[];
  /** The first `limit` teams directly in each area, by key, each with its area. */
  firstTeams(limit: number): (OrgTeam & { areaId: string })[];
  /** Signals in the area or below it that are open on `asOf` (raised by then, not resolved by then). */
  openSignals(areaId: string, asOf: string, limit: number): OpenSignals;
  /** Stakeholders in the area or below it. */
  stakeholders(areaId: string, limit: number): AreaStakeholders;
}

/** The area and every area below it, as a CTE named `subtree` over `?` (the area's id). */
const subtree = `
  WITH RECURSIVE subtree(area_id) AS (
    SELECT ? UNION SELECT a.area_id FROM org_areas a JOIN subtree s ON a.parent_area_id = s.area_id
  )`;

const openOn = 'sg.raised_on <= ? AND (sg.resolved_on IS NULL OR sg.resolved_on > ?)';

/**
 * The organisation's read side for the pages that manage it: the area tree with team counts and
 * coaches, coaches with their areas, and for one area its teams, open signals and stakeholders.
 * Every answer is a fixed number of prepared statements, whatever the organisation's size.
 */
export class SqliteOrgQueries implements OrgQueries {
  private readonly sql;
  /** The tree and the coaches, the same on every request (a coach's scope reads them on each) until the organisation changes. */
  private readonly cached: () => { areas: OrgArea[]; coaches: OrgCoach[] };

  constructor(db: SqlDatabase) {
    for (const projection of [orgProjection, signalsProjection, stakeholdersProjection]) projection.setUp(db);
    this.sql = {
      areas: db.prepare<[], Omit<OrgArea, 'teams' | 'teamsWithin' | 'coaches'>>(`
        WITH RECURSIVE tree(area_id, code, name, parent_area_id, depth, path) AS (
          SELECT area_id, code, name, parent_area_id, 0, code || char(0) FROM org_areas WHERE parent_area_id IS NULL
          UNION ALL
          SELECT a.area_id, a.code, a.name, a.parent_area_id, tree.depth + 1, tree.path || a.code || char(0)
          FROM org_areas a JOIN tree ON a.parent_area_id = tree.area_id
        ) SELECT area_id AS areaId, code, name, parent_area_id AS parentAreaId, depth FROM tree ORDER BY path, area_id`),
      teamCounts: db.prepare<[], { areaId: string; teams: number }>(
        'SELECT area_id AS areaId, count(*) AS teams FROM org_teams GROUP BY area_id',
      ),
      assignments: db.prepare<[], { areaId: string; areaName: string; coachId: string; coachName: string }>(`
        SELECT ac.area_id AS areaId, a.name AS areaName, c.coach_id AS coachId, c.name AS coachName
        FROM org_area_coaches ac JOIN org_coaches c ON c.coach_id = ac.coach_id JOIN org_areas a ON a.area_id = ac.area_id
        ORDER BY c.name, c.coach_id, a.name`),
      coaches: db.prepare<[], Omit<OrgCoach, 'areas'>>('SELECT coach_id AS coachId, name, email FROM org_coaches ORDER BY name, coach_id'),
      coachesOf: db.prepare<[string], Omit<OrgCoach, 'areas'>>(`
        SELECT c.coach_id AS coachId, c.name, c.email FROM org_area_coaches ac JOIN org_coaches c ON c.coach_id = ac.coach_id
        WHERE ac.area_id = ? ORDER BY c.name, c.coach_id`),
      teamsIn: db.prepare<[string], OrgTeam>(
        'SELECT team_id AS teamId, key, name, size FROM org_teams WHERE area_id = ? ORDER BY key, team_id',
      ),
      firstTeams: db.prepare<[number], OrgTeam & { areaId: string }>(`
        SELECT teamId, key, name, size, areaId FROM (
          SELECT team_id AS teamId, key, name, size, area_id AS areaId, row_number() OVER (PARTITION BY area_id ORDER BY key, team_id) AS n
          FROM org_teams
        ) WHERE n <= ? ORDER BY key, teamId`),
      signalsBySeverity: db.prepare<[string, string, string], { severity: number; count: number }>(`
        ${subtree}
        SELECT sg.severity, count(*) AS count FROM signals sg JOIN subtree USING (area_id)
        WHERE ${openOn} GROUP BY sg.severity ORDER BY sg.severity DESC`),
      topSignals: db.prepare<[string, string, string, number], OpenSignal>(`
        ${subtree}
        SELECT sg.signal_id AS signalId, sg.area_id AS areaId, a.name AS areaName, sg.team_id AS teamId, t.name AS teamName,
          sg.kind, sg.severity, sg.status, sg.raised_on AS raisedOn, sg.description
        FROM signals sg JOIN subtree USING (area_id)
        JOIN org_areas a ON a.area_id = sg.area_id
        LEFT JOIN org_teams t ON t.team_id = sg.team_id
        WHERE ${openOn}
        ORDER BY sg.severity DESC, sg.raised_on DESC, sg.signal_id
        LIMIT ?`),
      stakeholderCount: db.prepare<[string], { total: number }>(`
        ${subtree} SELECT count(*) AS total FROM stakeholders JOIN subtree USING (area_id)`),
      topStakeholders: db.prepare<[string, number], AreaStakeholder>(`
        ${subtree}
        SELECT stakeholder_id AS stakeholderId, name, role, influence, interest, attitude, adkar_stage AS adkarStage, last_engaged_on AS lastEngagedOn
        FROM stakeholders JOIN subtree USING (area_id)
        ORDER BY influence DESC, interest DESC, name, stakeholder_id
        LIMIT ?`),
    };
    this.cached = perCheckpoint(db, [orgProjection], () => ({ areas: this.readAreas(), coaches: this.readCoaches() }));
  }

  areas(): OrgArea[] {
    return this.cached().areas;
  }

  coaches(): OrgCoach[] {
    return this.cached().coaches;
  }

  private readAreas(): OrgArea[] {
    const teams = new Map(this.sql.teamCounts.all().map((r) => [r.areaId, r.teams]));
    const coaches = new Map<string, OrgArea['coaches']>();
    for (const a of this.sql.assignments.all())
      coaches.set(a.areaId, [...(coaches.get(a.areaId) ?? []), { coachId: a.coachId, name: a.coachName }]);
    const areas: OrgArea[] = this.sql.areas.all().map((area) => {
      const own = teams.get(area.areaId) ?? 0;
      return { ...area, teams: own, teamsWithin: own, coaches: coaches.get(area.areaId) ?? [] };
    });
    // In tree order every area comes after its parent: walking backwards adds each subtree's
    // teams to its parent once that subtree is complete.
    const byId = new Map(areas.map((a) => [a.areaId, a]));
    for (const area of areas.toReversed()) {
      const parent = area.parentAreaId === null ? undefined : byId.get(area.parentAreaId);
      if (parent) parent.teamsWithin += area.teamsWithin;
    }
    return areas;
  }

  private readCoaches(): OrgCoach[] {
    const areas = new Map<string, OrgCoach['areas']>();
    for (const a of this.sql.assignments.all())
      areas.set(a.coachId, [...(areas.get(a.coachId) ?? []), { areaId: a.areaId, name: a.areaName }]);
    return this.sql.coaches.all().map((coach) => ({ ...coach, areas: areas.get(coach.coachId) ?? [] }));
  }

  coachesOf(areaId: string): Omit<OrgCoach, 'areas'>[] {
    return this.sql.coachesOf.all(areaId);
  }

  teamsIn(areaId: string): OrgTeam[] {
    return this.sql.teamsIn.all(areaId);
  }

  firstTeams(limit: number): (OrgTeam & { areaId: string })[] {
    return this.sql.firstTeams.all(limit);
  }

  openSignals(areaId: string, asOf: string, limit: number): OpenSignals {
    const bySeverity = this.sql.signalsBySeverity.all(areaId, asOf, asOf);
    return {
      total: bySeverity.reduce((sum, s) => sum + s.count, 0),
      bySeverity,
      top: this.sql.topSignals.all(areaId, asOf, asOf, limit),
    };
  }

  stakeholders(areaId: string, limit: number): AreaStakeholders {
    return { total: this.sql.stakeholderCount.get(areaId)?.total ?? 0, top: this.sql.topStakeholders.all(areaId, limit) };
  }
}
