/**
 * Command handling at size: `recordAdoption` (a key-result progress report, as the team page's form
 * and an integration send it) through the application's handler, on a copy of a caught-up file.
 * Each command is its own transaction with its disk sync, as a request's is.
 */
import { SqliteDirectory, SqliteHeatmapQueries } from '../projections/index.ts';
import { recordAdoption } from '../src/team/handlers.ts';
import { median } from './figures.ts';
import { withReadModels } from './pages.ts';
import { openStore, type Workspace } from './sqlite.ts';

const WARM_UP = 20;
const COMMANDS = 300;

export interface CommandRun {
  /** Commands per second, all on the team with the longest stream. */
  longStreamPerSecond: number;
  /** Median ms per command on that stream. */
  longStreamMedianMs: number;
  /** How many events that stream held before the run. */
  longStreamEvents: number;
  /** Commands per second, each on the next team of the organisation in turn. */
  spreadPerSecond: number;
  spreadMedianMs: number;
}

/** The teams of the open cycle's organisation, and the one whose stream is longest (ties by id). */
function subjects(file: string, today: string) {
  return withReadModels(file, (db) => {
    const cycle = new SqliteHeatmapQueries(db).defaultCycle(today);
    if (!cycle) throw new Error('the data set has no open cycle');
    const teams = db.prepare<[], { teamId: string }>('SELECT team_id AS teamId FROM org_teams ORDER BY team_id').all();
    const longest = db
      .prepare<[], { streamId: string; events: number }>(
        "SELECT stream_id AS streamId, count(*) AS events FROM events WHERE stream_id LIKE 'team-%' GROUP BY stream_id ORDER BY events DESC, stream_id LIMIT 1",
      )
      .get();
    if (!longest || teams.length === 0) throw new Error('the data set has no team');
    return {
      cycleId: cycle.cycleId,
      teams: teams.map((t) => t.teamId),
      longest: { ...longest, teamId: longest.streamId.slice('team-'.length) },
    };
  });
}

/** Times `count` commands after a warm-up; the team of each from `teamOf(i)`. */
async function timed(file: string, today: string, cycleId: string, teamOf: (i: number) => string) {
  const { db, store, close } = openStore(file);
  const deps = { store, directory: new SqliteDirectory(db) };
  const ctx = { actor: { kind: 'integration', id: 'bench' }, source: 'bench', now: new Date(`${today}T12:00:00.000Z`) } as const;
  const command = (i: number) =>
    recordAdoption(
      deps,
      {
        type: 'ReportKeyResultProgress',
        data: { teamId: teamOf(i), cycleId, keyResultRef: `KR-bench-${i % 7}`, progress: (i % 100) / 100, reportedOn: today },
      },
      ctx,
    );
  try {
    for (let i = 0; i < WARM_UP; i++) await command(i);
    const each: number[] = [];
    const started = performance.now();
    for (let i = WARM_UP; i < WARM_UP + COMMANDS; i++) {
      const at = performance.now();
      await command(i);
      each.push(performance.now() - at);
    }
    return { perSecond: COMMANDS / ((performance.now() - started) / 1000), medianMs: median(each) };
  } finally {
    await close();
  }
}

/** Both command figures, each on a fresh copy of a caught-up file. */
export async function measureCommands(workspace: Workspace, served: string, today: string, run: number): Promise<CommandRun> {
  const { cycleId, teams, longest } = subjects(served, today);
  const long = workspace.copy(served, `commands-long-${run}.db`);
  const onLong = await timed(long, today, cycleId, () => longest.teamId);
  workspace.discard(long);
  const spreadFile = workspace.copy(served, `commands-spread-${run}.db`);
  const spread = await timed(spreadFile, today, cycleId, (i) => teams[i % teams.length]!);
  workspace.discard(spreadFile);
  return {
    longStreamPerSecond: onLong.perSecond,
    longStreamMedianMs: onLong.medianMs,
    longStreamEvents: longest.events,
    spreadPerSecond: spread.perSecond,
    spreadMedianMs: spread.medianMs,
  };
}
