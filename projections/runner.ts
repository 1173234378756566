import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { RecordedEvent } from '../src/shared/event.ts';
import type { EventStore, Subscription } from '../src/shared/eventStore.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { CHECKPOINTS_SCHEMA } from './checkpoints.ts';
import type { Projection } from './projection.ts';
import { skippedEvents } from './support.ts';

export { CHECKPOINTS_SCHEMA };

interface CheckpointRow {
  projection: string;
  version: number;
  position: string;
  rebuilding: number;
}

/** Why a projection stopped: the event it threw on. Its checkpoint stays at the last batch it applied. */
export interface ProjectionFailure {
  projection: string;
  /** The event that failed to apply. */
  position: bigint;
  eventType: string;
  error: string;
  at: Date;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  position: bigint;
  rebuilding: boolean;
  skipped: number;
  failed?: ProjectionFailure;
}

/** Whether the read models include a position: `lagging` names the projections that do not (failed, or not there in time). */
export interface Reach {
  caughtUp: boolean;
  lagging: string[];
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
  /** A live batch that could not be applied at all (the subscription stops; a restart resumes from the checkpoint), or a listener that threw. */
  onError?: (error: unknown) => void;
  /** A projection threw and stopped; called once per failure. The others carry on; a new runner (a restart) tries it again. */
  onFailure?: (failure: ProjectionFailure) => void;
  /**
   * Replays the store into these read models off this thread (the server: a worker thread with a
   * connection of its own), so requests never wait behind a long replay. Used when a catch-up is
   * long (a projection replaying from scratch, or more than LONG_CATCH_UP events behind); the
   * runner answers `waitFor` from the checkpoints it moves meanwhile, and applies what is left.
   */
  replayElsewhere?: () => Promise<void>;
}

/** A catch-up longer than this is handed to `replayElsewhere`: at the rebuild's pace, about a second of work. */
const LONG_CATCH_UP = 20_000n;
/** How often the checkpoints moved by `replayElsewhere` are read, to answer `waitFor`. */
const ELSEWHERE_POLL_MS = 100;

/**
 * A batch is synchronous work that requests wait behind, so a replay sizes its batches to take
 * about this long; larger would save little, as the commit per batch is then a small share.
 */
const BATCH_BUDGET_MS = 25;
/**
 * `rebuild()` runs where no request waits on its thread (`uptake rebuild`, a worker): larger
 * batches commit less often, rewriting each table's last pages less. Another process's write
 * waits for the lock at most about this long.
 */
const REBUILD_BATCH_BUDGET_MS = 100;
const BATCH_SIZES = { first: 1000, min: 100, max: 20_000 };

/** The next batch's size from how long the last one took; at most doubling, so one fast batch does not overshoot. */
function resized(size: number, elapsedMs: number, budgetMs: number): number {
  const fitting = Math.round((size * budgetMs) / Math.max(elapsedMs, 1));
  return Math.min(BATCH_SIZES.max, 2 * size, Math.max(BATCH_SIZES.min, fitting));
}

export type AppliedListener = (events: readonly RecordedEvent[]) => void;

interface BatchOutcome {
  /** Events at least one projection applied, in order. */
  applied: readonly RecordedEvent[];
  /** A projection's checkpoint is before the batch (someone reset it): the batch cannot be applied to it. */
  behind: boolean;
  /** Projections that threw on this batch: rolled back to their checkpoints, they stop. */
  failed: ProjectionFailure[];
}

/** Thrown inside a savepoint only to roll it back. */
const ROLL_BACK = Symbol('roll back');

/**
 * Keeps the projections' read models up to date with the event store. Each batch is applied to
 * every projection and their checkpoints are moved in one transaction, so a crash leaves each
 * read model exactly at its checkpoint. Within it each projection applies in a savepoint of its
 * own: one that throws is rolled back to its last batch and stops, and the others carry on.
 * Constructing the runner creates the tables and resets (for replay) every projection whose
 * stored version differs from its code.
 */
export class ProjectionRunner {
  private readonly listeners = new Set<AppliedListener>();
  private waiters: { position: bigint; resolve: () => void }[] = [];
  private readonly failures = new Map<string, ProjectionFailure>();
  private subscription: Subscription | undefined;
  private appliedPosition: bigint;
  private readonly sql;
  private readonly applyBatchTransaction;
  private readonly applyInSavepoint;
  private readonly rolledBack;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    db.exec(CHECKPOINTS_SCHEMA);
    this.sql = {
      get: db.prepare<[string], CheckpointRow>('SELECT * FROM projection_checkpoints WHERE projection = ?'),
      insert: db.prepare<[string, number]>(
        "INSERT INTO projection_checkpoints (projection, version, position, rebuilding) VALUES (?, ?, '0', 1)",
      ),
      move: db.prepare<[string, string]>('UPDATE projection_checkpoints SET position = ? WHERE projection = ?'),
      restart: db.prepare<[number, string]>(
        "UPDATE projection_checkpoints SET version = ?, position = '0', rebuilding = 1 WHERE projection = ?",
      ),
      caughtUp: db.prepare<[string]>('UPDATE projection_checkpoints SET rebuilding = 0 WHERE projection = ?'),
    };
    this.applyBatchTransaction = db.transaction((after: bigint, events: readonly RecordedEvent[]) => this.applyBatchNow(after, events));
    // Nested in the batch's transaction, better-sqlite3 runs these as savepoints.
    this.applyInSavepoint = db.transaction((projection: Projection, events: readonly RecordedEvent[]) => {
      projection.apply(db, events);
      this.sql.move.run(events.at(-1)!.position.toString(), projection.name);
    });
    this.rolledBack = db.transaction((work: () => void) => {
      work();
      throw ROLL_BACK;
    });
    db.transaction(() => {
      for (const projection of projections) {
        const row = this.sql.get.get(projection.name);
        if (!row) this.sql.insert.run(projection.name, projection.version);
        else if (row.version !== projection.version) this.restart(projection);
      }
    }).immediate();
    // After the checkpoints: a projection being replayed gets its tables now and its indexes at the end.
    for (const projection of projections) projection.setUp(db);
    this.appliedPosition = this.lowestCheckpoint() ?? 0n;
  }

  /** Register a listener for every batch applied (the live hub pushes from it). Returns the unsubscribe. */
  onApplied(listener: AppliedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies every stored event after the checkpoints; resolves with the position reached. */
  async catchUp(): Promise<bigint> {
    const { replayElsewhere } = this.options;
    if (replayElsewhere && (await this.isLong())) await this.whileElsewhere(replayElsewhere);
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
        // A burst (a big ingest, another process's seed) is caught up elsewhere; the pages it covered then apply nothing.
        if (this.options.replayElsewhere && (await this.isLong())) await this.catchUp();
        // Appended by a unit of work still open on this connection (an ingested batch): they may
        // yet roll back, and no live page may show them first. A unit of work never yields to the
        // event loop, so a turn of it ends the transaction; then the store says what was committed.
        const uncommitted = this.db.inTransaction;
        while (this.db.inTransaction) await yieldToEventLoop();
        const { behind } = uncommitted ? { behind: true } : this.applyBatch(after, events);
        after = events.at(-1)?.position ?? after;
        if (behind) await this.catchUp();
      },
      onError: (error) => this.options.onError?.(error),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  /**
   * Resets every projection (but those kept by a rebuild) and replays the whole store. When an
   * earlier rebuild was interrupted (aborted, killed), this continues it from its checkpoint instead.
   */
  async rebuild({ onProgress, signal }: RebuildOptions = {}): Promise<RebuildResult> {
    this.failures.clear();
    const replayed = this.projections.filter((p) => !p.keptByRebuild);
    const rebuilding = new Set(this.statuses().flatMap((s) => (s.rebuilding ? [s.name] : [])));
    if (!replayed.every((p) => rebuilding.has(p.name))) {
      // One transaction per projection: dropping a million rows holds the write lock for a while.
      // A kill part-way leaves some not rebuilding, so the next run resets them all again.
      for (const projection of replayed) this.db.transaction(() => this.restart(projection)).immediate();
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
    // A kill loses nothing with NORMAL in WAL mode; a power cut may lose the last batches, and
    // their checkpoints with them, so the next run replays them: a rebuild need not sync each commit.
    const synchronous = this.db.prepare<[], { synchronous: number }>('PRAGMA synchronous').get()?.synchronous ?? 2;
    this.db.exec('PRAGMA synchronous = NORMAL');
    try {
      const status = await this.replay({ signal, afterBatch: report, budgetMs: REBUILD_BATCH_BUDGET_MS });
      return { status, position: this.appliedPosition, startedFrom };
    } finally {
      this.db.exec(`PRAGMA synchronous = ${synchronous}`);
    }
  }

  /**
   * Resolves once every projection that has not failed has applied the event at `position` (a
   * writer passes the position its append returned, so the page it redirects to shows the write),
   * after `timeoutMs`, or when the runner stops; a failed projection is not waited for.
   */
  waitFor(position: bigint, timeoutMs = 5000): Promise<Reach> {
    if (this.reached(position)) return Promise.resolve(this.reach(position));
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.reach(position));
      };
      const timer = setTimeout(finish, timeoutMs);
      const waiter = { position, resolve: finish };
      this.waiters.push(waiter);
    });
  }

  /** The projections that threw and stopped, oldest failure first. */
  get failed(): ProjectionFailure[] {
    return [...this.failures.values()];
  }

  /** The position every projection that has not failed has reached. */
  get position(): bigint {
    return this.appliedPosition;
  }

  statuses(): ProjectionStatus[] {
    const skipped = skippedEvents(this.db);
    return this.projections.map((projection) => {
      const row = this.sql.get.get(projection.name);
      const failed = this.failures.get(projection.name);
      return {
        name: projection.name,
        version: row?.version ?? projection.version,
        position: BigInt(row?.position ?? '0'),
        rebuilding: row?.rebuilding === 1,
        skipped: skipped.filter((s) => s.projection === projection.name).length,
        ...(failed && { failed }),
      };
    });
  }

  /**
   * The projections replayed from scratch have reached the head: their secondary indexes are
   * built now, one transaction per index (at a million events one takes seconds, and another
   * process's write waits for the lock meanwhile), then they are marked caught up. A kill in
   * between leaves them rebuilding, so the next run builds what is missing.
   */
  private finishReplays(): void {
    for (const projection of this.healthy()) {
      if (this.sql.get.get(projection.name)?.rebuilding !== 1) continue;
      projection.buildIndexes?.(this.db);
      this.sql.caughtUp.run(projection.name);
    }
  }

  /** Whether catching up means a replay from scratch or many events. */
  private async isLong(): Promise<boolean> {
    const replaying = this.healthy().some((p) => this.sql.get.get(p.name)?.rebuilding === 1);
    return replaying || (await this.store.headPosition()) - (this.lowestCheckpoint() ?? 0n) > LONG_CATCH_UP;
  }

  /** Waits for a replay done elsewhere, following the checkpoints it moves; a failed one is reported and left to this runner. */
  private async whileElsewhere(replay: () => Promise<void>): Promise<void> {
    const follow = setInterval(() => this.advanced(), ELSEWHERE_POLL_MS);
    try {
      await replay();
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      clearInterval(follow);
      this.advanced();
    }
  }

  /** The checkpoints moved: the position reached, and the waiters it satisfies. */
  private advanced(): void {
    this.appliedPosition = this.lowestCheckpoint() ?? this.appliedPosition;
    for (const waiter of this.waiters.filter((w) => this.reached(w.position))) waiter.resolve();
  }

  private restart(projection: Projection): void {
    projection.reset(this.db);
    this.sql.restart.run(projection.version, projection.name);
  }

  private checkpointOf(projection: Projection): bigint {
    return BigInt(this.sql.get.get(projection.name)?.position ?? '0');
  }

  private healthy(): Projection[] {
    return this.projections.filter((p) => !this.failures.has(p.name));
  }

  /** The lowest checkpoint of the projections that have not failed; undefined when all have. */
  private lowestCheckpoint(): bigint | undefined {
    const positions = this.healthy().map((p) => this.checkpointOf(p));
    return positions.reduce<bigint | undefined>((low, position) => (low === undefined || position < low ? position : low), undefined);
  }

  private reached(position: bigint): boolean {
    return this.appliedPosition >= position || this.failures.size === this.projections.length;
  }

  private reach(position: bigint): Reach {
    const lagging = this.projections.filter((p) => this.checkpointOf(p) < position).map((p) => p.name);
    return { caughtUp: lagging.length === 0, lagging };
  }

  /**
   * Reads pages from the lowest checkpoint until the head, one transaction per page, yielding to
   * the event loop between pages so requests are served during a long replay.
   */
  private async replay({
    signal,
    afterBatch,
    budgetMs = BATCH_BUDGET_MS,
  }: {
    signal?: AbortSignal | undefined;
    afterBatch?: () => void;
    budgetMs?: number;
  } = {}): Promise<RebuildResult['status']> {
    let size = this.options.batchSize ?? BATCH_SIZES.first;
    for (;;) {
      if (signal?.aborted) return 'interrupted';
      const after = this.lowestCheckpoint();
      if (after === undefined) return 'completed';
      // Reading counts too: the SQLite store reads synchronously.
      const started = performance.now();
      const page = await this.store.readAll({ after, maxCount: size });
      if (page.length === 0) {
        this.finishReplays();
        return 'completed';
      }
      this.applyBatch(after, page);
      if (this.options.batchSize === undefined && page.length === size) size = resized(size, performance.now() - started, budgetMs);
      afterBatch?.();
      await yieldToEventLoop();
    }
  }

  /** `after`: the position the batch was read after; events follow it without a gap. */
  private applyBatch(after: bigint, events: readonly RecordedEvent[]): BatchOutcome {
    const outcome = this.applyBatchTransaction.immediate(after, events);
    for (const failure of outcome.failed) {
      this.failures.set(failure.projection, failure);
      this.options.onFailure?.(failure);
    }
    this.advanced();
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
    const failed: ProjectionFailure[] = [];
    for (const projection of this.healthy()) {
      const checkpoint = this.checkpointOf(projection);
      if (checkpoint < after) {
        behind = true;
        continue;
      }
      const fresh = events.filter((e) => e.position > checkpoint);
      if (fresh.length === 0) continue;
      try {
        this.applyInSavepoint(projection, fresh);
      } catch (error) {
        failed.push(this.failureOf(projection, fresh, error));
        continue;
      }
      if (lowest === undefined || checkpoint < lowest) lowest = checkpoint;
    }
    return { applied: lowest === undefined ? [] : events.filter((e) => e.position > lowest), behind, failed };
  }

  /**
   * Which event of a batch the projection threw on: the batch again, one event at a time, in a
   * savepoint that is always rolled back. Only a failure pays for this, so batches stay large.
   */
  private failureOf(projection: Projection, events: readonly RecordedEvent[], batchError: unknown): ProjectionFailure {
    // An error that needs the whole batch to happen is put on its first event.
    let culprit = { event: events[0]!, error: batchError };
    try {
      this.rolledBack(() => {
        for (const event of events) {
          try {
            projection.apply(this.db, [event]);
          } catch (error) {
            culprit = { event, error };
            return;
          }
        }
      });
    } catch (error) {
      if (error !== ROLL_BACK) throw error;
    }
    const { event, error } = culprit;
    return {
      projection: projection.name,
      position: event.position,
      eventType: event.type,
      error: error instanceof Error ? error.message : String(error),
      at: new Date(),
    };
  }
}
