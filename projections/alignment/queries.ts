import type { SqlDatabase } from '../../src/shared/sql.ts';
import { objectivesProjection } from '../objectives.ts';
import { orgProjection } from '../org.ts';

export interface ThemeRecord {
  themeId: string;
  title: string;
  /** A dropped theme stays known, by its page and by the objectives still linked to it, but no chain reaches it. */
  dropped: boolean;
}

export interface KeyResultRecord {
  keyResultId: string;
  title: string;
  /** The latest progress the team reported on it (0–1); null for none, or for an area's key result. */
  progress: number | null;
}

export interface ObjectiveRecord {
  objectiveId: string;
  title: string;
  cycleId: string;
  areaId: string;
  team: { teamId: string; key: string; name: string } | null;
  parentKind: 'theme' | 'objective' | null;
  parentId: string | null;
  crossArea: boolean;
  keyResults: KeyResultRecord[];
}

export interface AreaRecord {
  areaId: string;
  code: string;
  name: string;
  parentAreaId: string | null;
}

/** The strategy read side: what the alignment map, the objective page and the team page's key results ask. */
export interface AlignmentQueries {
  /** Every theme, dropped ones too, by title. */
  themes(): ThemeRecord[];
  /** Every objective still set, of every cycle: a cycle's map shows parents from earlier cycles too. */
  objectives(): ObjectiveRecord[];
  objective(objectiveId: string): ObjectiveRecord | null;
  theme(themeId: string): ThemeRecord | null;
  areas(): AreaRecord[];
  teams(): { teamId: string; key: string; name: string; areaId: string }[];
  /** The positions of a theme's or an objective's events, newest first. */
  history(nodeId: string): string[];
  /** The team's key results in a cycle, by objective, as the progress form offers them. */
  keyResultsOf(teamId: string, cycleId: string): { keyResultId: string; title: string; objective: string }[];
}

interface ThemeRow {
  theme_id: string;
  title: string;
  dropped: number;
}

interface ObjectiveRow {
  objective_id: string;
  title: string;
  cycle_id: string;
  area_id: string;
  team_id: string | null;
  team_key: string | null;
  team_name: string | null;
  parent_kind: 'theme' | 'objective' | null;
  parent_id: string | null;
  cross_area: number;
}

export class SqliteAlignmentQueries implements AlignmentQueries {
  private readonly sql;

  constructor(db: SqlDatabase) {
    for (const projection of [orgProjection, objectivesProjection]) projection.setUp(db);
    const objectiveColumns = `o.objective_id, o.title, o.cycle_id, o.area_id, o.team_id, t.key AS team_key, t.name AS team_name,
      o.parent_kind, o.parent_id, o.cross_area
      FROM strategy_objectives o LEFT JOIN org_teams t ON t.team_id = o.team_id`;
    this.sql = {
      themes: db.prepare<[], ThemeRow>('SELECT theme_id, title, dropped FROM strategy_themes ORDER BY title, theme_id'),
      theme: db.prepare<[string], ThemeRow>('SELECT theme_id, title, dropped FROM strategy_themes WHERE theme_id = ?'),
      objectives: db.prepare<[], ObjectiveRow>(`SELECT ${objectiveColumns} WHERE o.dropped = 0 ORDER BY o.title, o.objective_id`),
      objective: db.prepare<[string], ObjectiveRow>(`SELECT ${objectiveColumns} WHERE o.objective_id = ? AND o.dropped = 0`),
      keyResults: db.prepare<[], { objective_id: string; key_result_id: string; title: string; progress: number | null }>(`
        SELECT k.objective_id, k.key_result_id, k.title, p.progress
        FROM strategy_key_results k JOIN strategy_objectives o ON o.objective_id = k.objective_id
        LEFT JOIN strategy_progress p ON p.team_id = o.team_id AND p.ref = k.key_result_id
        WHERE o.dropped = 0 ORDER BY k.rowid`),
      keyResultsOf: db.prepare<[string, string], { keyResultId: string; title: string; objective: string }>(`
        SELECT k.key_result_id AS keyResultId, k.title, o.title AS objective
        FROM strategy_objectives o JOIN strategy_key_results k ON k.objective_id = o.objective_id
        WHERE o.team_id = ? AND o.cycle_id = ? AND o.dropped = 0 ORDER BY o.title, k.rowid`),
      areas: db.prepare<[], AreaRecord>(
        'SELECT area_id AS areaId, code, name, parent_area_id AS parentAreaId FROM org_areas ORDER BY code, area_id',
      ),
      teams: db.prepare<[], { teamId: string; key: string; name: string; areaId: string }>(
        'SELECT team_id AS teamId, key, name, area_id AS areaId FROM org_teams ORDER BY key, team_id',
      ),
      history: db.prepare<[string], { position: string }>(
        'SELECT position FROM strategy_history WHERE node_id = ? ORDER BY CAST(position AS INTEGER) DESC',
      ),
    };
  }

  themes(): ThemeRecord[] {
    return this.sql.themes.all().map(toTheme);
  }

  theme(themeId: string): ThemeRecord | null {
    const row = this.sql.theme.get(themeId);
    return row === undefined ? null : toTheme(row);
  }

  objectives(): ObjectiveRecord[] {
    const keyResults = new Map<string, KeyResultRecord[]>();
    for (const k of this.sql.keyResults.all()) {
      const list = keyResults.get(k.objective_id) ?? [];
      list.push({ keyResultId: k.key_result_id, title: k.title, progress: k.progress });
      keyResults.set(k.objective_id, list);
    }
    return this.sql.objectives.all().map((row) => toRecord(row, keyResults.get(row.objective_id) ?? []));
  }

  objective(objectiveId: string): ObjectiveRecord | null {
    const row = this.sql.objective.get(objectiveId);
    if (row === undefined) return null;
    return this.objectives().find((o) => o.objectiveId === row.objective_id) ?? null;
  }

  areas(): AreaRecord[] {
    return this.sql.areas.all();
  }

  teams() {
    return this.sql.teams.all();
  }

  history(nodeId: string): string[] {
    return this.sql.history.all(nodeId).map((r) => r.position);
  }

  keyResultsOf(teamId: string, cycleId: string) {
    return this.sql.keyResultsOf.all(teamId, cycleId);
  }
}

const toTheme = (row: ThemeRow): ThemeRecord => ({ themeId: row.theme_id, title: row.title, dropped: row.dropped === 1 });

function toRecord(row: ObjectiveRow, keyResults: KeyResultRecord[]): ObjectiveRecord {
  return {
    objectiveId: row.objective_id,
    title: row.title,
    cycleId: row.cycle_id,
    areaId: row.area_id,
    team: row.team_id === null ? null : { teamId: row.team_id, key: row.team_key ?? row.team_id, name: row.team_name ?? row.team_id },
    parentKind: row.parent_kind,
    parentId: row.parent_id,
    crossArea: row.cross_area === 1,
    keyResults,
  };
}
