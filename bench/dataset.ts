import { ProjectionRunner, readModels } from '../projections/index.ts';
import { seed, type SeedResult } from '../src/seed/seed.ts';
import { sqliteUnitOfWork } from '../infra/sqlite/database.ts';
import { openStore, type Workspace } from './sqlite.ts';

export interface Dataset {
  /** Events only, as `uptake seed` leaves them. */
  eventsOnly: string;
  seeded: SeedResult;
}

/**
 * Seeds the demo organisation once into a file that every run copies. Each 5,000 steps are one
 * transaction (the seed's unit of work), so the data set is made in well under a minute instead
 * of paying a disk sync per command.
 */
export async function makeDataset(
  workspace: Workspace,
  /** `today` is the server's today too, so the heatmap it serves by default is the seeded open cycle. */
  options: { scale: number; today: string },
): Promise<Dataset> {
  const file = workspace.file(`events-only-scale-${options.scale}.db`);
  const { db, store, close } = openStore(file);
  const seeded = await seed(
    { store, unitOfWork: sqliteUnitOfWork(db) },
    { seed: 42, scale: options.scale, today: options.today, now: new Date() },
  );
  await close();
  return { eventsOnly: file, seeded };
}

export interface RebuildRun {
  events: number;
  seconds: number;
}

/** `runner.rebuild()` on a file, as `uptake rebuild` runs it: every read model reset, then all events replayed. */
export async function rebuild(file: string): Promise<RebuildRun> {
  const { db, store, close } = openStore(file);
  const runner = new ProjectionRunner(db, store, readModels);
  const started = performance.now();
  const result = await runner.rebuild();
  const seconds = (performance.now() - started) / 1000;
  await close();
  if (result.status !== 'completed') throw new Error(`rebuild ended ${result.status} at ${result.position}`);
  return { events: Number(result.position - result.startedFrom), seconds };
}
