import type { Actor } from '../../src/shared/event.ts';
import type { Names } from '../../src/shared/names.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { accountsProjection } from '../accounts.ts';
import { objectivesProjection } from '../objectives.ts';
import { orgProjection } from '../org.ts';
import { stakeholdersProjection } from '../stakeholders.ts';

/** Uptake's own actors, told apart: what its command line did and what the demo seed made up. */
const systemActors: Readonly<Record<string, string>> = { cli: 'Uptake command line', seed: 'Uptake demo seed' };

/** Names from the organisation and stakeholder read models, one primary-key lookup each. */
export class SqliteNames implements Names {
  private readonly lookups;

  constructor(db: SqlDatabase) {
    for (const projection of [orgProjection, stakeholdersProjection, accountsProjection, objectivesProjection]) projection.setUp(db);
    const byId = (sql: string) => {
      const statement = db.prepare<[string], { name: string }>(sql);
      return (id: string) => statement.get(id)?.name ?? id;
    };
    this.lookups = {
      area: byId('SELECT name FROM org_areas WHERE area_id = ?'),
      team: byId('SELECT name FROM org_teams WHERE team_id = ?'),
      coach: byId('SELECT name FROM org_coaches WHERE coach_id = ?'),
      cycle: byId('SELECT name FROM org_cycles WHERE cycle_id = ?'),
      stakeholder: byId('SELECT name FROM stakeholders WHERE stakeholder_id = ?'),
      account: byId('SELECT name FROM accounts WHERE account_id = ?'),
      theme: byId('SELECT title AS name FROM strategy_themes WHERE theme_id = ?'),
      objective: byId('SELECT title AS name FROM strategy_objectives WHERE objective_id = ?'),
    };
  }

  area = (areaId: string) => this.lookups.area(areaId);
  team = (teamId: string) => this.lookups.team(teamId);
  coach = (coachId: string) => this.lookups.coach(coachId);
  cycle = (cycleId: string) => this.lookups.cycle(cycleId);
  stakeholder = (stakeholderId: string) => this.lookups.stakeholder(stakeholderId);
  account = (accountId: string) => this.lookups.account(accountId);
  theme = (themeId: string) => this.lookups.theme(themeId);
  objective = (objectiveId: string) => this.lookups.objective(objectiveId);

  actor(actor: Actor): string {
    switch (actor.kind) {
      case 'user': {
        // Events recorded before sign-in existed name the coach who recorded them.
        const name = this.lookups.account(actor.id);
        return name === actor.id ? this.lookups.coach(actor.id) : name;
      }
      case 'integration':
        return `integration ${actor.id}`;
      case 'rule':
        return `rule ${actor.id}`;
      case 'system':
        return systemActors[actor.id] ?? 'Uptake';
      default: {
        const unexpected: never = actor.kind;
        return unexpected;
      }
    }
  }
}
