import { planBatches } from './events.ts';
import { bareInsert } from './floors.ts';
import { openStore, type Workspace } from './sqlite.ts';

const BATCH_SIZE = 500;
const STREAMS = 100;
const BATCHES_PER_STREAM = 2;

export interface AppendRun {
  /** Events per second through `appendToStream`. */
  perSecond: number;
  /** Events per second of the same batches inserted bare into another copy of the same file. */
  floorPerSecond: number;
}

/**
 * Appends 100,000 events, 500 per `appendToStream` call, with the store's validation,
 * idempotency lookup and exact expected revisions, into a copy of `base` (an existing store, so
 * the indexes are as large as the data set's) or a fresh file; then the same batches bare into a
 * second copy of it (the floor, bench/floors.ts). The events are made before the clock starts;
 * validating them is part of what is timed.
 */
export async function measureAppend(workspace: Workspace, run: number, base: string | null): Promise<AppendRun> {
  // Without a base, an empty store: the bare insert needs the events table the store makes.
  const into = async (name: string) => {
    if (base !== null) return workspace.copy(base, name);
    const file = workspace.file(name);
    await openStore(file).close();
    return file;
  };
  const file = await into(`append-${run}.db`);
  const { store, close } = openStore(file);
  const headBefore = await store.headPosition();
  const batches = planBatches({
    streams: STREAMS,
    batchesPerStream: BATCHES_PER_STREAM,
    batchSize: BATCH_SIZE,
    areaId: 'bench-area',
    cycleId: 'bench-cycle',
    from: new Date('2026-10-01'),
    now: new Date(),
    prefix: `bench-${run}-`,
  });
  const started = performance.now();
  for (const { streamId, events, expected } of batches) await store.appendToStream(streamId, events, expected);
  const seconds = (performance.now() - started) / 1000;
  const stored = (await store.headPosition()) - headBefore;
  await close();
  workspace.discard(file);
  const total = batches.length * BATCH_SIZE;
  if (stored !== BigInt(total)) throw new Error(`append bench stored ${stored} events, expected ${total}`);
  const floorFile = await into(`append-floor-${run}.db`);
  const floorPerSecond = bareInsert(floorFile, batches);
  workspace.discard(floorFile);
  return { perSecond: total / seconds, floorPerSecond };
}
