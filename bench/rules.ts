import { SqliteRuleCheckpoint } from '../infra/sqlite/ruleCheckpoint.ts';
import { ProjectionRunner, readModels } from '../projections/index.ts';
import { SqliteDirectory } from '../projections/org/directory.ts';
import { startRules } from '../src/rules/processManager.ts';
import { defaultRuleSettings } from '../src/rules/settings.ts';
import { openStore } from './sqlite.ts';

export interface RulesCatchUp {
  /** Events the rules read from their checkpoint to the head. */
  events: number;
  /** Events their commands recorded (signals raised, resolutions proposed). */
  recorded: number;
  seconds: number;
}

/**
 * The rules brought up to date on a file whose read models are, as `uptake serve` does after it
 * listens (its settings, its daily tick on `today`), then the read models caught up with what
 * they recorded: a server started on a copy of the file is then as a long-running one would be,
 * not folding the whole store through the rules while its pages are measured.
 */
export async function catchUpRules(file: string, today: string, warn: (message: string) => void): Promise<RulesCatchUp> {
  const { db, store, close } = openStore(file);
  const checkpoint = new SqliteRuleCheckpoint(db);
  const from = checkpoint.load()?.position ?? 0n;
  const head = await store.headPosition();
  const started = performance.now();
  const rules = startRules({
    store,
    handlers: { store, directory: new SqliteDirectory(db) },
    checkpoint,
    settings: defaultRuleSettings,
    today: () => today,
    now: () => new Date(),
    log: { warn: (_details, message) => warn(message) },
    uncommitted: () => db.inTransaction,
  });
  await rules.caughtUp();
  await rules.stop();
  const seconds = (performance.now() - started) / 1000;
  const runner = new ProjectionRunner(db, store, readModels);
  await runner.catchUp();
  const recorded = Number((await store.headPosition()) - head);
  await close();
  return { events: Number(head - from), recorded, seconds };
}
