/**
 * `npx tsx tests/support/rebuildChild.ts <db file> [batch size]`: runs the projection runner's
 * rebuild on a SQLite file and prints one JSON line with the outcome. The crash test kills it
 * part-way and runs it again, which resumes from the checkpoint.
 */
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels, ProjectionRunner } from '../../projections/index.ts';

const [file, batchSize = '100'] = process.argv.slice(2);
if (!file) throw new Error('usage: rebuildChild.ts <db file> [batch size]');

const db = openDatabase(file);
const runner = new ProjectionRunner(db, new SqliteEventStore(db), readModels, { batchSize: Number(batchSize) });
const result = await runner.rebuild();
console.log(JSON.stringify({ status: result.status, startedFrom: String(result.startedFrom), position: String(result.position) }));
db.close();
