import type { SqlDatabase } from '../../src/shared/sql.ts';
import { orgProjection } from '../org.ts';
import { perCheckpoint } from '../perCheckpoint.ts';
import { stakeholdersProjection } from '../stakeholders.ts';

/** The first of a longer list, and how long the whole of it is. */
export interface FirstOf<T> {
  listed: T[];
  total: number;
}

/**
 * The teams and stakeholders in an area and the areas below it (or everywhere), the first of
 * each by key or name, each list counted whole: what a form or a filter offers to choose from. A
 * million-event organisation has thousands of each, more than a select can usefully offer or a
 * page can print on every request.
 */
export interface TeamsAndStakeholders {
  teams: FirstOf<{ teamId: string; key: string; name: string }>;
  stakeholders: FirstOf<{ stakeholderId: string; name: string; role: string }>;
}

/** `@areaId` and every area below it, as a CTE named `scope`; empty when no area is asked for. */
export const areaScope = `
  WITH RECURSIVE scope(area_id) AS (
    SELECT @areaId WHERE @areaId IS NOT NULL
    UNION SELECT a.area_id FROM org_areas a JOIN scope ON a.parent_area_id = scope.area_id
  )`;
const inScope = '(@areaId IS NULL OR area_id IN (SELECT area_id FROM scope))';

/**
 * At most `limit` teams and stakeholders in the area and below it (everywhere without one), read
 * once per area and limit until the organisation or its stakeholders change.
 */
export function teamsAndStakeholdersWithin(db: SqlDatabase): (areaId: string | undefined, limit: number) => TeamsAndStakeholders {
  for (const projection of [orgProjection, stakeholdersProjection]) projection.setUp(db);
  type Scoped = { areaId: string | null };
  const sql = {
    teams: db.prepare<[Scoped & { limit: number }], TeamsAndStakeholders['teams']['listed'][number]>(
      `${areaScope} SELECT team_id AS teamId, key, name FROM org_teams WHERE ${inScope} ORDER BY key, team_id LIMIT @limit`,
    ),
    countTeams: db.prepare<[Scoped], { count: number }>(`${areaScope} SELECT count(*) AS count FROM org_teams WHERE ${inScope}`),
    stakeholders: db.prepare<[Scoped & { limit: number }], TeamsAndStakeholders['stakeholders']['listed'][number]>(
      `${areaScope} SELECT stakeholder_id AS stakeholderId, name, role FROM stakeholders WHERE ${inScope} ORDER BY name, stakeholder_id LIMIT @limit`,
    ),
    countStakeholders: db.prepare<[Scoped], { count: number }>(`${areaScope} SELECT count(*) AS count FROM stakeholders WHERE ${inScope}`),
  };
  // A fresh map whenever a checkpoint moves: what it holds is read again from then on.
  const answers = perCheckpoint(db, [orgProjection, stakeholdersProjection], () => new Map<string, TeamsAndStakeholders>());
  return (areaId, limit) => {
    const cache = answers();
    const key = `${limit} ${areaId ?? ''}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const scoped = { areaId: areaId ?? null };
    const answer = {
      teams: { listed: sql.teams.all({ ...scoped, limit }), total: sql.countTeams.get(scoped)?.count ?? 0 },
      stakeholders: { listed: sql.stakeholders.all({ ...scoped, limit }), total: sql.countStakeholders.get(scoped)?.count ?? 0 },
    };
    cache.set(key, answer);
    return answer;
  };
}
