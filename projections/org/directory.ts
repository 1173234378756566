import { SqliteAccounts } from '../accounts.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { orgProjection } from '../org.ts';

/**
 * Questions that span many streams, answered from the org read model: the handlers'
 * `Directory` (src/shared/directory.ts), which this satisfies structurally so projections do not
 * import the command side.
 */
export class SqliteDirectory {
  private readonly sql;
  private readonly accounts: SqliteAccounts;

  constructor(db: SqlDatabase) {
    orgProjection.setUp(db);
    this.accounts = new SqliteAccounts(db);
    this.sql = {
      areasUnder: db.prepare<[string | null], { areaId: string; name: string }>(
        'SELECT area_id AS areaId, name FROM org_areas WHERE parent_area_id IS ? ORDER BY name, area_id',
      ),
      descendantsOf: db.prepare<[string], { areaId: string }>(`
        WITH RECURSIVE below(area_id) AS (
          SELECT area_id FROM org_areas WHERE parent_area_id = ?
          UNION SELECT a.area_id FROM org_areas a JOIN below b ON a.parent_area_id = b.area_id
        ) SELECT area_id AS areaId FROM below ORDER BY area_id`),
      teamKeys: db.prepare<[], { key: string }>('SELECT key FROM org_teams ORDER BY key'),
      areaCodes: db.prepare<[], { code: string }>('SELECT code FROM org_areas ORDER BY code'),
      coachEmails: db.prepare<[], { email: string }>('SELECT email FROM org_coaches ORDER BY email'),
      cycles: db.prepare<[], { cycleId: string; name: string; startsOn: string; endsOn: string }>(
        'SELECT cycle_id AS cycleId, name, starts_on AS startsOn, ends_on AS endsOn FROM org_cycles ORDER BY starts_on, cycle_id',
      ),
    };
  }

  /** Areas directly under a parent; `null` asks for the top level. */
  areasUnder(parentAreaId: string | null): { areaId: string; name: string }[] {
    return this.sql.areasUnder.all(parentAreaId);
  }

  /** Ids of every area below this one, at any depth. */
  descendantsOf(areaId: string): string[] {
    return this.sql.descendantsOf.all(areaId).map((r) => r.areaId);
  }

  teamKeys(): string[] {
    return this.sql.teamKeys.all().map((r) => r.key);
  }

  areaCodes(): string[] {
    return this.sql.areaCodes.all().map((r) => r.code);
  }

  coachEmails(): string[] {
    return this.sql.coachEmails.all().map((r) => r.email);
  }

  accountEmails(): string[] {
    return this.accounts.emails();
  }

  activeAdmins(): string[] {
    return this.accounts.activeAdmins();
  }

  accountOfCoach(coachId: string): string | null {
    return this.accounts.all().find((account) => account.coachId === coachId)?.accountId ?? null;
  }

  /** Every cycle ever opened, earliest first. */
  cycles(): { cycleId: string; name: string; startsOn: string; endsOn: string }[] {
    return this.sql.cycles.all();
  }
}
