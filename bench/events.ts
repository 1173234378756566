import { withMetadata } from '../src/shared/commandHandler.ts';
import type { DomainEvent, NewEvent } from '../src/shared/event.ts';
import type { ExpectedRevision } from '../src/shared/eventStore.ts';
import { streamName } from '../src/shared/streams.ts';

export interface Batch {
  streamId: string;
  expected: ExpectedRevision;
  events: NewEvent[];
}

export interface BatchPlan {
  streams: number;
  /** Consecutive batches per stream: the first expects `no_stream`, each next one the exact revision the previous left. */
  batchesPerStream: number;
  batchSize: number;
  /** Area the generated teams belong to. */
  areaId: string;
  cycleId: string;
  /** Business day the adoption facts start on; they run one day apart from there. */
  from: Date;
  now: Date;
  /** Keeps team ids apart between plans appended to the same store. */
  prefix: string;
}

const day = (from: Date, offset: number) => new Date(from.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/** A team's adoption, as an integration would report it: check-ins held and key-result progress. */
function adoptionEvent(teamId: string, cycleId: string, index: number, from: Date): DomainEvent {
  const on = day(from, index % 90);
  return index % 2 === 0
    ? { type: 'CheckInHeld', data: { teamId, cycleId, heldOn: on, attendance: 0.8, confidence: 0.6 } }
    : {
        type: 'KeyResultProgressReported',
        data: { teamId, cycleId, keyResultRef: `KR-${index % 5}`, progress: (index % 100) / 100, reportedOn: on },
      };
}

/** Batches of valid events (each stream opens with its TeamRegistered), in the order they must be appended. */
export function planBatches(plan: BatchPlan): Batch[] {
  const ctx = { actor: { kind: 'integration', id: 'bench' }, source: 'http', now: plan.now } as const;
  const batches: Batch[] = [];
  for (let s = 0; s < plan.streams; s++) {
    const teamId = `${plan.prefix}${s}`;
    for (let b = 0; b < plan.batchesPerStream; b++) {
      const first = b * plan.batchSize;
      const events = Array.from(
        { length: plan.batchSize },
        (_, i): DomainEvent =>
          first + i === 0
            ? { type: 'TeamRegistered', data: { teamId, key: `B${s}`, name: `Bench team ${s}`, areaId: plan.areaId, size: 8 } }
            : adoptionEvent(teamId, plan.cycleId, first + i, plan.from),
      );
      batches.push({
        streamId: streamName('team', teamId),
        expected: b === 0 ? 'no_stream' : first - 1,
        events: withMetadata(events, ctx),
      });
    }
  }
  return batches;
}
