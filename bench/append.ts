import { planBatches } from './events.ts';
import { openStore, type Workspace } from './sqlite.ts';

const BATCH_SIZE = 500;
const STREAMS = 100;
const BATCHES_PER_STREAM = 2;

/**
 * Appends 100,000 events into a fresh file, 500 per `appendToStream` call, with the store's
 * validation, idempotency lookup and exact expected revisions. The events are made before the
 * clock starts; validating them is part of what is timed. Returns events per second.
 */
export async function measureAppend(workspace: Workspace, run: number): Promise<number> {
  const { store, close } = openStore(workspace.file(`append-${run}.db`));
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
  const stored = await store.headPosition();
  await close();
  const total = batches.length * BATCH_SIZE;
  if (stored !== BigInt(total)) throw new Error(`append bench stored ${stored} events, expected ${total}`);
  return total / seconds;
}
