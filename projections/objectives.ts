import { reachingTheme } from '../src/objective/alignment.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

interface ObjectiveNodeRow {
  objective_id: string;
  team_id: string | null;
  cycle_id: string;
  parent_kind: 'theme' | 'objective' | null;
  parent_id: string | null;
  dropped: number;
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
  // A subtree is walked by parent and a team's counts taken by team and cycle on every change to the graph.
  foldIndexes: ['strategy_objectives_parent', 'strategy_objectives_team'],
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
    CREATE INDEX IF NOT EXISTS strategy_objectives_parent ON strategy_objectives (parent_id) WHERE parent_id IS NOT NULL;
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
    // The objective itself (dropped or not) or the theme's objectives, and everything below; UNION ends a loop.
    subtree: db.prepare<[{ kind: string; id: string }], ObjectiveNodeRow>(`
      WITH RECURSIVE below(objective_id) AS (
        SELECT objective_id FROM strategy_objectives
        WHERE (@kind = 'objective' AND objective_id = @id) OR (@kind = 'theme' AND parent_kind = 'theme' AND parent_id = @id)
        UNION
        SELECT o.objective_id FROM strategy_objectives o JOIN below b ON o.parent_kind = 'objective' AND o.parent_id = b.objective_id
      )
      SELECT o.objective_id, o.team_id, o.cycle_id, o.parent_kind, o.parent_id, o.dropped FROM below JOIN strategy_objectives o USING (objective_id)`),
    reachingOf: db.prepare<[string], { reaching: number }>(
      'SELECT reaching FROM strategy_objectives WHERE objective_id = ? AND dropped = 0',
    ),
    teamCounts: db.prepare<[string, string], { objectives: number; reaching: number }>(
      'SELECT count(*) AS objectives, coalesce(sum(reaching), 0) AS reaching FROM strategy_objectives WHERE team_id = ? AND cycle_id = ? AND dropped = 0',
    ),
    setReaching: db.prepare<[number, string, number]>(
      'UPDATE strategy_objectives SET reaching = ? WHERE objective_id = ? AND reaching <> ?',
    ),
    themes: db.prepare<[], { theme_id: string }>('SELECT theme_id FROM strategy_themes WHERE dropped = 0'),
    now: db.prepare<[string, string], { objectives: number; reaching: number }>(
      'SELECT objectives, reaching FROM strategy_alignment_now WHERE team_id = ? AND cycle_id = ?',
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
    // The graph changed below a theme or an objective: that subtree is counted again, and each
    // team in it whose counts moved is recorded. Anything else in the graph is untouched.
    const changed = 'themeId' in event.data ? { kind: 'theme', id: event.data.themeId } : { kind: 'objective', id: event.data.objectiveId };
    const below = sql.subtree.all(changed);
    const reaching = reachingTheme(
      below.filter((n) => n.dropped === 0).map((n) => ({ objectiveId: n.objective_id, parentKind: n.parent_kind, parentId: n.parent_id })),
      new Set(sql.themes.all().map((t) => t.theme_id)),
      (objectiveId) => sql.reachingOf.get(objectiveId)?.reaching === 1,
    );
    const teams = new Map<string, { teamId: string; cycleId: string }>();
    for (const n of below) {
      const reaches = reaching.has(n.objective_id) ? 1 : 0;
      sql.setReaching.run(reaches, n.objective_id, reaches);
      if (n.team_id !== null) teams.set(`${n.team_id}\n${n.cycle_id}`, { teamId: n.team_id, cycleId: n.cycle_id });
    }
    const onDate = event.metadata.occurredAt.slice(0, 10);
    for (const { teamId, cycleId } of teams.values()) {
      const now = sql.teamCounts.get(teamId, cycleId) ?? { objectives: 0, reaching: 0 };
      const was = sql.now.get(teamId, cycleId);
      if (was !== undefined && was.objectives === now.objectives && was.reaching === now.reaching) continue;
      sql.saveNow.run(teamId, cycleId, now.objectives, now.reaching);
      sql.record.run(teamId, cycleId, onDate, now.objectives, now.reaching, event.metadata.eventId, event.position.toString(), event.type);
    }
    return undefined;
  },
});
