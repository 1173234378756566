import { reachingTheme } from '../src/objective/alignment.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

interface ObjectiveNodeRow {
  objective_id: string;
  team_id: string | null;
  cycle_id: string;
  parent_kind: 'theme' | 'objective' | null;
  parent_id: string | null;
}

/**
 * Strategic themes, objectives, their key results and links: the alignment map reads them. Each
 * change to the graph records, for every team whose count moved, how many of its objectives in a
 * cycle there are and how many reach a theme (`strategy_alignment`, dated by the event's business
 * day): the heatmap's align dimension as of any date, each row naming the event that moved it.
 */
export const objectivesProjection = defineProjection({
  name: 'objectives',
  version: 1,
  reads: [
    'StrategicThemeSet',
    'StrategicThemeRenamed',
    'StrategicThemeDropped',
    'ObjectiveSet',
    'ObjectiveRenamed',
    'KeyResultDefined',
    'ObjectiveLinked',
    'ObjectiveUnlinked',
    'ObjectiveDropped',
    'KeyResultProgressReported',
  ],
  tables: [
    'strategy_themes',
    'strategy_objectives',
    'strategy_key_results',
    'strategy_progress',
    'strategy_history',
    'strategy_alignment',
    'strategy_alignment_now',
  ],
  schema: `
    CREATE TABLE IF NOT EXISTS strategy_themes (
      theme_id   TEXT PRIMARY KEY,
      title      TEXT NOT NULL,
      dropped    INTEGER NOT NULL DEFAULT 0,
      event_id   TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS strategy_objectives (
      objective_id TEXT PRIMARY KEY,
      title        TEXT NOT NULL,
      cycle_id     TEXT NOT NULL,
      area_id      TEXT NOT NULL,
      team_id      TEXT,
      parent_kind  TEXT,
      parent_id    TEXT,
      cross_area   INTEGER NOT NULL DEFAULT 0,
      dropped      INTEGER NOT NULL DEFAULT 0,
      -- whether its chain reaches a strategic theme now (the coach's week lists team objectives that do not)
      reaching     INTEGER NOT NULL DEFAULT 0,
      -- the event that set it: a node of the map links to its objective's events from there
      event_id     TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS strategy_objectives_cycle ON strategy_objectives (cycle_id);
    CREATE INDEX IF NOT EXISTS strategy_objectives_team ON strategy_objectives (team_id, cycle_id) WHERE team_id IS NOT NULL;
    CREATE TABLE IF NOT EXISTS strategy_key_results (
      objective_id  TEXT NOT NULL,
      key_result_id TEXT NOT NULL,
      title         TEXT NOT NULL,
      PRIMARY KEY (objective_id, key_result_id)
    );
    -- each key result's latest progress, as the team reports it by the key result's id
    CREATE TABLE IF NOT EXISTS strategy_progress (
      team_id  TEXT NOT NULL,
      ref      TEXT NOT NULL,
      progress REAL NOT NULL,
      on_date  TEXT NOT NULL,
      PRIMARY KEY (team_id, ref)
    );
    -- each theme's and objective's own events, for its page
    CREATE TABLE IF NOT EXISTS strategy_history (
      node_id  TEXT NOT NULL,
      position TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS strategy_history_node ON strategy_history (node_id);
    CREATE TABLE IF NOT EXISTS strategy_alignment (
      team_id    TEXT NOT NULL,
      cycle_id   TEXT NOT NULL,
      on_date    TEXT NOT NULL,
      objectives INTEGER NOT NULL,
      reaching   INTEGER NOT NULL,
      event_id   TEXT NOT NULL,
      position   TEXT NOT NULL,
      event_type TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS strategy_alignment_cycle ON strategy_alignment (cycle_id, on_date);
    CREATE INDEX IF NOT EXISTS strategy_alignment_team ON strategy_alignment (team_id, cycle_id, on_date);
    -- the latest counts per team and cycle, so only a change is recorded
    CREATE TABLE IF NOT EXISTS strategy_alignment_now (
      team_id    TEXT NOT NULL,
      cycle_id   TEXT NOT NULL,
      objectives INTEGER NOT NULL,
      reaching   INTEGER NOT NULL,
      PRIMARY KEY (team_id, cycle_id)
    );
  `,
  prepare: (db: SqlDatabase) => ({
    setTheme: db.prepare<[string, string, string]>(
      'INSERT INTO strategy_themes (theme_id, title, event_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    renameTheme: db.prepare<[string, string]>('UPDATE strategy_themes SET title = ? WHERE theme_id = ?'),
    dropTheme: db.prepare<[string]>('UPDATE strategy_themes SET dropped = 1 WHERE theme_id = ?'),
    setObjective: db.prepare<[string, string, string, string, string | null, string]>(
      `INSERT INTO strategy_objectives (objective_id, title, cycle_id, area_id, team_id, event_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    renameObjective: db.prepare<[string, string]>('UPDATE strategy_objectives SET title = ? WHERE objective_id = ?'),
    link: db.prepare<[string, string, number, string]>(
      'UPDATE strategy_objectives SET parent_kind = ?, parent_id = ?, cross_area = ? WHERE objective_id = ?',
    ),
    unlink: db.prepare<[string]>(
      'UPDATE strategy_objectives SET parent_kind = NULL, parent_id = NULL, cross_area = 0 WHERE objective_id = ?',
    ),
    dropObjective: db.prepare<[string]>('UPDATE strategy_objectives SET dropped = 1 WHERE objective_id = ?'),
    defineKeyResult: db.prepare<[string, string, string]>(
      `INSERT INTO strategy_key_results (objective_id, key_result_id, title) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET title = excluded.title`,
    ),
    progress: db.prepare<[string, string, number, string]>(
      `INSERT INTO strategy_progress (team_id, ref, progress, on_date) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET progress = excluded.progress, on_date = excluded.on_date WHERE excluded.on_date >= on_date`,
    ),
    history: db.prepare<[string, string]>('INSERT INTO strategy_history (node_id, position) VALUES (?, ?)'),
    objectiveKnown: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM strategy_objectives WHERE objective_id = ?'),
    nodes: db.prepare<[], ObjectiveNodeRow>(
      'SELECT objective_id, team_id, cycle_id, parent_kind, parent_id FROM strategy_objectives WHERE dropped = 0',
    ),
    setReaching: db.prepare<[number, string, number]>(
      'UPDATE strategy_objectives SET reaching = ? WHERE objective_id = ? AND reaching <> ?',
    ),
    themes: db.prepare<[], { theme_id: string }>('SELECT theme_id FROM strategy_themes WHERE dropped = 0'),
    now: db.prepare<[], { team_id: string; cycle_id: string; objectives: number; reaching: number }>(
      'SELECT team_id, cycle_id, objectives, reaching FROM strategy_alignment_now',
    ),
    saveNow: db.prepare<[string, string, number, number]>(
      `INSERT INTO strategy_alignment_now (team_id, cycle_id, objectives, reaching) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET objectives = excluded.objectives, reaching = excluded.reaching`,
    ),
    record: db.prepare<[string, string, string, number, number, string, string, string]>(
      `INSERT INTO strategy_alignment (team_id, cycle_id, on_date, objectives, reaching, event_id, position, event_type)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  }),
  handle(sql, event) {
    if (event.type === 'KeyResultProgressReported') {
      const { teamId, keyResultRef, progress, reportedOn } = event.data;
      sql.progress.run(teamId, keyResultRef, progress, reportedOn);
      return undefined;
    }
    const known = (objectiveId: string) => sql.objectiveKnown.get(objectiveId) !== undefined;
    const data = event.data as { themeId?: string; objectiveId?: string };
    const nodeId = data.themeId ?? data.objectiveId;
    if (nodeId !== undefined) sql.history.run(nodeId, event.position.toString());
    switch (event.type) {
      case 'StrategicThemeSet':
        sql.setTheme.run(event.data.themeId, event.data.title, event.metadata.eventId);
        break;
      case 'StrategicThemeRenamed':
        return unless(sql.renameTheme.run(event.data.title, event.data.themeId).changes, `unknown theme ${event.data.themeId}`);
      case 'StrategicThemeDropped':
        if (sql.dropTheme.run(event.data.themeId).changes === 0) return `unknown theme ${event.data.themeId}`;
        break;
      case 'ObjectiveSet': {
        const { objectiveId, title, cycleId, areaId, teamId } = event.data;
        sql.setObjective.run(objectiveId, title, cycleId, areaId, teamId ?? null, event.metadata.eventId);
        break;
      }
      case 'ObjectiveRenamed':
        return unless(
          sql.renameObjective.run(event.data.title, event.data.objectiveId).changes,
          `unknown objective ${event.data.objectiveId}`,
        );
      case 'KeyResultDefined':
        if (!known(event.data.objectiveId)) return `unknown objective ${event.data.objectiveId}`;
        sql.defineKeyResult.run(event.data.objectiveId, event.data.keyResultId, event.data.title);
        return undefined;
      case 'ObjectiveLinked': {
        const { objectiveId, parentKind, parentId, crossArea } = event.data;
        if (sql.link.run(parentKind, parentId, crossArea ? 1 : 0, objectiveId).changes === 0) return `unknown objective ${objectiveId}`;
        break;
      }
      case 'ObjectiveUnlinked':
        if (sql.unlink.run(event.data.objectiveId).changes === 0) return `unknown objective ${event.data.objectiveId}`;
        break;
      case 'ObjectiveDropped':
        if (sql.dropObjective.run(event.data.objectiveId).changes === 0) return `unknown objective ${event.data.objectiveId}`;
        break;
      default:
        return undefined;
    }
    // The graph changed: count again, and record each team whose counts moved.
    const nodes = sql.nodes.all();
    const reaching = reachingTheme(
      nodes.map((n) => ({ objectiveId: n.objective_id, parentKind: n.parent_kind, parentId: n.parent_id })),
      new Set(sql.themes.all().map((t) => t.theme_id)),
    );
    const counts = new Map<string, { teamId: string; cycleId: string; objectives: number; reaching: number }>();
    for (const n of nodes) {
      const reaches = reaching.has(n.objective_id) ? 1 : 0;
      sql.setReaching.run(reaches, n.objective_id, reaches);
      if (n.team_id === null) continue;
      const key = `${n.team_id}\n${n.cycle_id}`;
      const count = counts.get(key) ?? { teamId: n.team_id, cycleId: n.cycle_id, objectives: 0, reaching: 0 };
      count.objectives += 1;
      if (reaching.has(n.objective_id)) count.reaching += 1;
      counts.set(key, count);
    }
    const previous = new Map(sql.now.all().map((r) => [`${r.team_id}\n${r.cycle_id}`, r]));
    // A team whose last objective was dropped falls to none.
    for (const [key, before] of previous)
      if (!counts.has(key)) counts.set(key, { teamId: before.team_id, cycleId: before.cycle_id, objectives: 0, reaching: 0 });
    const onDate = event.metadata.occurredAt.slice(0, 10);
    for (const [key, count] of counts) {
      const was = previous.get(key);
      if (was !== undefined && was.objectives === count.objectives && was.reaching === count.reaching) continue;
      sql.saveNow.run(count.teamId, count.cycleId, count.objectives, count.reaching);
      sql.record.run(
        count.teamId,
        count.cycleId,
        onDate,
        count.objectives,
        count.reaching,
        event.metadata.eventId,
        event.position.toString(),
        event.type,
      );
    }
    return undefined;
  },
});
