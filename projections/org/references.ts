import type { SqlDatabase } from '../../src/shared/sql.ts';
import { orgProjection } from '../org.ts';

/**
 * Uptake's ids for the names other systems know things by: a team's key, an area's code, and a
 * cycle's name. Each is unique in Uptake; `undefined` when nothing has it.
 */
export class SqliteReferences {
  private readonly sql;

  constructor(db: SqlDatabase) {
    orgProjection.setUp(db);
    const lookup = (query: string) => {
      const statement = db.prepare<[string], { id: string }>(query);
      return (value: string) => statement.get(value)?.id;
    };
    this.sql = {
      team: lookup('SELECT team_id AS id FROM org_teams WHERE key = ?'),
      area: lookup('SELECT area_id AS id FROM org_areas WHERE code = ?'),
      cycle: lookup('SELECT cycle_id AS id FROM org_cycles WHERE name = ?'),
    };
  }

  teamIdByKey = (key: string): string | undefined => this.sql.team(key);
  areaIdByCode = (code: string): string | undefined => this.sql.area(code);
  cycleIdByName = (name: string): string | undefined => this.sql.cycle(name);
}
