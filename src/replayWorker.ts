/**
 * A worker thread the server hands a long replay to (a projection replaying from scratch, a big
 * catch-up): it opens the store and the read models on connections of its own, so the server's
 * thread keeps answering requests from the read models meanwhile. It ends when the read models
 * have reached the head it found; the server's runner applies what came after.
 */
import { workerData } from 'node:worker_threads';
import { openStorage } from '../infra/storage.ts';
import { ProjectionRunner, readModels } from '../projections/index.ts';
import type { Config } from './config.ts';
import { runAsBulkWork } from './shared/priority.ts';

// Niceness is per thread: this replay gives way to the requests the server's own thread answers.
runAsBulkWork((message) => console.error(`uptake: ${message}`));
const storage = await openStorage(workerData as Pick<Config, 'UPTAKE_DB' | 'EVENTSTORE_URL'>);
try {
  await new ProjectionRunner(storage.readModels, storage.store, readModels).catchUp();
} finally {
  await storage.close();
}
