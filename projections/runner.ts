import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RecordedEvent } from '../src/shared/event.ts';
import type { EventStore, Subscription } from '../src/shared/eventStore.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import type { Projection } from './projection.ts';
import { skippedEvents } from './support.ts';

/** Also read by queries that cache: read models change only together with their checkpoints. */
export const CHECKPOINTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    projection TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    -- decimal text: store positions are 64-bit and must survive exactly
    position   TEXT NOT NULL,
    -- 1 from a reset until the projection has caught up with the head again
    rebuilding INTEGER NOT NULL
  );
`;

interface CheckpointRow {
  projection: string;
  version: number;
  position: string;
  rebuilding: number;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: bigint;
  rebuilding: boolean;
  skipped: number;
}

export interface RebuildProgress {
  /** Position reached (positions count events in the SQLite store). */
  done: bigint;
  /** Head position when the rebuild started. */
  total: bigint;
  eventsPerSecond: number;
}

export interface RebuildOptions {
  onProgress?: (progress: RebuildProgress) => void;
  /** Checked between batches; an aborted rebuild keeps its checkpoint and resumes on the next call. */
  signal?: AbortSignal;
}

export interface RebuildResult {
  status: 'completed' | 'interrupted';
  /** Position the slowest projection reached. */
  position: bigint;
  /** Position this call started from: 0 for a fresh rebuild, the checkpoint when it resumed an interrupted one. */
  startedFrom: bigint;
}

export interface RunnerOptions {
  /**
   * Events per transaction when catching up or rebuilding (live batches are as the store delivers
   * them). By default each batch is sized to take about 25 ms (see BATCH_BUDGET_MS).
   */
  batchSize?: number;
  /** A live batch that failed to apply (the subscription stops; a restart resumes from the checkpoint). */
  onError?: (error: unknown) => void;
}

/**
 * A batch is synchronous work that requests wait behind, so a replay sizes its batches to take
 * about this long; larger would save little, as the commit per batch is then a small share.
 */
const BATCH_BUDGET_MS = 25;
const BATCH_SIZES = { first: 1000, min: 100, max: 10_000 };

/** The next batch's size from how long the last one took; at most doubling, so one fast batch does not overshoot. */
function resized(size: number, elapsedMs: number): number {
  const fitting = Math.round((size * BATCH_BUDGET_MS) / Math.max(elapsedMs, 1));
  return Math.min(BATCH_SIZES.max, 2 * size, Math.max(BATCH_SIZES.min, fitting));
}

export type AppliedListener = (events: readonly RecordedEvent[]) => void;

interface BatchOutcome {
  /** Events at least one projection applied, in order. */
  applied: readonly RecordedEvent[];
  /** A projection's checkpoint is before the batch (someone reset it): the batch cannot be applied to it. */
  behind: boolean;
}

/**
 * Keeps the projections' read models up to date with the event store. Each batch is applied to
 * every projection and their checkpoints are moved in one transaction, so a crash leaves each
 * read model exactly at its checkpoint. Constructing the runner creates the tables and resets
 * (for replay) every projection whose stored version differs from its code.
 */
export class ProjectionRunner {
  private readonly listeners = new Set<AppliedListener>();
  private waiters: { position: bigint; resolve: (reached: boolean) => void }[] = [];
  private subscription: Subscription | undefined;
  private appliedPosition: bigint;
  private readonly sql;
  private readonly applyBatchTransaction;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    db.exec(CHECKPOINTS_SCHEMA);
    for (const projection of projections) projection.setUp(db);
    this.sql = {
      get: db.prepare<[string], CheckpointRow>('SELECT * FROM projection_checkpoints WHERE projection = ?'),
      insert: db.prepare<[string, number]>("INSERT INTO projection_checkpoints (projection, version, position, rebuilding) VALUES (?, ?, '0', 1)"),
      move: db.prepare<[string, string]>('UPDATE projection_checkpoints SET position = ? WHERE projection = ?'),
      restart: db.prepare<[number, string]>("UPDATE projection_checkpoints SET version = ?, position = '0', rebuilding = 1 WHERE projection = ?"),
      caughtUp: db.prepare<[string]>('UPDATE projection_checkpoints SET rebuilding = 0 WHERE projection = ?'),
    };
    this.applyBatchTransaction = db.transaction((after: bigint, events: readonly RecordedEvent[]) => this.applyBatchNow(after, events));
    db.transaction(() => {
      for (const projection of projections) {
        const row = this.sql.get.get(projection.name);
        if (!row) this.sql.insert.run(projection.name, projection.version);
        else if (row.version !== projection.version) this.restart(projection);
      }
    }).immediate();
    this.appliedPosition = this.lowestCheckpoint();
  }

  /** Register a listener for every batch applied (the live hub pushes from it). Returns the unsubscribe. */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies every stored event after the checkpoints; resolves with the position reached. */
  async catchUp(): Promise<bigint> {
    await this.replay();
    return this.appliedPosition;
  }

  /** Catches up, then follows the store live. */
  async start(): Promise<void> {
    if (this.subscription) return;
    await this.catchUp();
    let after = this.appliedPosition;
    this.subscription = this.store.subscribeToAll({
      after,
      onEvents: async (events) => {
        const { behind } = this.applyBatch(after, events);
        after = events.at(-1)?.position ?? after;
        if (behind) await this.catchUp();
      },
      onError: (error) => this.options.onError?.(error),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
    for (const waiter of this.waiters) waiter.resolve(false);
    this.waiters = [];
  }

  /**
   * Resets every projection and replays the whole store. When an earlier rebuild was interrupted
   * (aborted, killed), this continues it from its checkpoint instead.
   */
  async rebuild({ onProgress, signal }: RebuildOptions = {}): Promise<RebuildResult> {
    if (!this.statuses().every((s) => s.rebuilding)) {
      this.db
        .transaction(() => {
          for (const projection of this.projections) this.restart(projection);
        })
        .immediate();
      this.appliedPosition = 0n;
    }
    const total = await this.store.headPosition();
    const startedAt = performance.now();
    const startedFrom = this.appliedPosition;
    const report = () => {
      const seconds = (performance.now() - startedAt) / 1000;
      const done = this.appliedPosition;
      onProgress?.({ done, total, eventsPerSecond: seconds > 0 ? Number(done - startedFrom) / seconds : 0 });
    };
    const status = await this.replay({ signal, afterBatch: report });
    return { status, position: this.appliedPosition, startedFrom };
  }

  /**
   * Resolves true once every projection has applied the event at `position` (a writer passes
   * the position its append returned, so the page it redirects to shows the write), false after
   * `timeoutMs` or when the runner stops.
   */
  waitFor(position: bigint, timeoutMs = 5000): Promise<boolean> {
    if (this.appliedPosition >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (reached: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(reached);
      };
      const waiter = { position, resolve: finish };
      this.waiters.push(waiter);
    });
  }

  /** The position every projection has reached. */
  get position(): bigint {
    return this.appliedPosition;
  }

  statuses(): ProjectionStatus[] {
    const skipped = skippedEvents(this.db);
    return this.projections.map((projection) => {
      const row = this.sql.get.get(projection.name);
      return {
        name: projection.name,
        version: row?.version ?? projection.version,
        position: BigInt(row?.position ?? '0'),
        rebuilding: row?.rebuilding === 1,
        skipped: skipped.filter((s) => s.projection === projection.name).length,
      };
    });
  }

  private restart(projection: Projection): void {
    projection.reset(this.db);
    this.sql.restart.run(projection.version, projection.name);
  }

  private checkpointOf(projection: Projection): bigint {
    return BigInt(this.sql.get.get(projection.name)?.position ?? '0');
  }

  private lowestCheckpoint(): bigint {
    const positions = this.projections.map((p) => this.checkpointOf(p));
    return positions.reduce((low, position) => (position < low ? position : low), positions[0] ?? 0n);
  }

  /**
   * Reads pages from the lowest checkpoint until the head, one transaction per page, yielding to
   * the event loop between pages so requests are served during a long replay.
   */
  private async replay({ signal, afterBatch }: { signal?: AbortSignal | undefined; afterBatch?: () => void } = {}): Promise<RebuildResult['status']> {
    let size = this.options.batchSize ?? BATCH_SIZES.first;
    for (;;) {
      if (signal?.aborted) return 'interrupted';
      const after = this.lowestCheckpoint();
      // Reading counts too: the SQLite store reads synchronously.
      const started = performance.now();
      const page = await this.store.readAll({ after, maxCount: size });
      if (page.length === 0) {
        for (const projection of this.projections) this.sql.caughtUp.run(projection.name);
        return 'completed';
      }
      this.applyBatch(after, page);
      if (this.options.batchSize === undefined && page.length === size) size = resized(size, performance.now() - started);
      afterBatch?.();
      await yieldToEventLoop();
    }
  }

  /** `after`: the position the batch was read after; events follow it without a gap. */
  private applyBatch(after: bigint, events: readonly RecordedEvent[]): BatchOutcome {
    const outcome = this.applyBatchTransaction.immediate(after, events);
    this.appliedPosition = this.lowestCheckpoint();
    this.waiters.filter((w) => w.position <= this.appliedPosition).forEach((w) => w.resolve(true));
    if (outcome.applied.length > 0) {
      for (const listener of this.listeners) {
        try {
          listener(outcome.applied);
        } catch (error) {
          this.options.onError?.(error);
        }
      }
    }
    return outcome;
  }

  /** Inside the transaction: checkpoints are read here, so another process's progress is respected. */
  private applyBatchNow(after: bigint, events: readonly RecordedEvent[]): BatchOutcome {
    let behind = false;
    let lowest: bigint | undefined;
    for (const projection of this.projections) {
      const checkpoint = this.checkpointOf(projection);
      if (checkpoint < after) {
        behind = true;
        continue;
      }
      const fresh = events.filter((e) => e.position > checkpoint);
      const last = fresh.at(-1);
      if (!last) continue;
      projection.apply(this.db, fresh);
      this.sql.move.run(last.position.toString(), projection.name);
      if (lowest === undefined || checkpoint < lowest) lowest = checkpoint;
    }
    return { applied: lowest === undefined ? [] : events.filter((e) => e.position > lowest), behind };
  }
}
