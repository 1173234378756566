import type Database from 'better-sqlite3';
import type { ConsumerLedger, DeadLetter } from '../../src/ingest/consumer.ts';
import type { DeadLetterLedger, Redrive, StoredDeadLetter } from '../../src/integration/deadLetters.ts';
import type { RedriveOutcome } from '../../src/integration/events.ts';

type HeadersJson = Record<string, string>;

interface DeadLetterRow {
  seq: number;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: string;
  reason: string;
}

interface StoredRow extends DeadLetterRow {
  consumerGroup: string;
  recordedAt: string;
  redrivenAt: string | null;
  redriveOutcome: RedriveOutcome | null;
  redriveReason: string | null;
}

const headersOf = (json: string): Record<string, Buffer> =>
  Object.fromEntries(Object.entries(JSON.parse(json) as HeadersJson).map(([name, value]) => [name, Buffer.from(value, 'base64')]));

const stored = ({ redrivenAt, redriveOutcome, redriveReason, headers, ...row }: StoredRow): StoredDeadLetter => ({
  ...row,
  headers: headersOf(headers),
  redrive: redrivenAt === null || redriveOutcome === null ? null : { at: redrivenAt, outcome: redriveOutcome, reason: redriveReason },
});

const STORED_COLUMNS = `seq, consumer_group AS consumerGroup, topic, partition, offset, key, value, headers, reason, recorded_at AS recordedAt,
  redriven_at AS redrivenAt, redrive_outcome AS redriveOutcome, redrive_reason AS redriveReason`;
/** Never re-driven, or re-driven and refused again. */
const WAITING = "(redrive_outcome IS NULL OR redrive_outcome = 'rejected')";

/**
 * The Kafka consumer's memory in Uptake's SQLite file, for one consumer group: the next offset
 * per topic and partition (what makes a redelivered batch cheap to skip) and the dead letters,
 * kept after they were produced (`sent_at`) as the list of what was refused and why, and marked
 * when an administrator re-drives one (`redriven_at`): never deleted.
 */
export class SqliteConsumerLedger implements ConsumerLedger, DeadLetterLedger {
  private readonly statements;
  /** A transaction of its own, or a savepoint inside the batch's unit of work. */
  readonly record: ConsumerLedger['record'];

  constructor(
    db: Database.Database,
    readonly group: string,
    private readonly now: () => Date,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS kafka_offsets (
        consumer_group TEXT    NOT NULL,
        topic          TEXT    NOT NULL,
        partition      INTEGER NOT NULL,
        next_offset    TEXT    NOT NULL,
        PRIMARY KEY (consumer_group, topic, partition)
      );
      CREATE TABLE IF NOT EXISTS kafka_dead_letters (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        consumer_group TEXT    NOT NULL,
        topic          TEXT    NOT NULL,
        partition      INTEGER NOT NULL,
        offset         TEXT    NOT NULL,
        key            BLOB,
        value          BLOB,
        headers        TEXT    NOT NULL,
        reason         TEXT    NOT NULL,
        recorded_at    TEXT    NOT NULL,
        sent_at        TEXT
      );
      CREATE INDEX IF NOT EXISTS kafka_dead_letters_unsent ON kafka_dead_letters (consumer_group) WHERE sent_at IS NULL;
      CREATE INDEX IF NOT EXISTS kafka_dead_letters_reason ON kafka_dead_letters (consumer_group, reason, seq);
    `);
    // Ledgers written before re-drive existed get its columns.
    const columns = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('kafka_dead_letters')")
        .all()
        .map((c) => c.name),
    );
    for (const column of ['redriven_at', 'redrive_outcome', 'redrive_reason'])
      if (!columns.has(column)) db.exec(`ALTER TABLE kafka_dead_letters ADD COLUMN ${column} TEXT`);
    this.statements = {
      next: db.prepare<[string, string, number], { next_offset: string }>(
        'SELECT next_offset FROM kafka_offsets WHERE consumer_group = ? AND topic = ? AND partition = ?',
      ),
      saveOffset: db.prepare<[string, string, number, string]>(
        `INSERT INTO kafka_offsets (consumer_group, topic, partition, next_offset) VALUES (?, ?, ?, ?)
         ON CONFLICT (consumer_group, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
      ),
      addDeadLetter: db.prepare<[string, string, number, string, Buffer | null, Buffer | null, string, string, string]>(
        `INSERT INTO kafka_dead_letters (consumer_group, topic, partition, offset, key, value, headers, reason, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      pending: db.prepare<[string], DeadLetterRow>(
        'SELECT seq, topic, partition, offset, key, value, headers, reason FROM kafka_dead_letters WHERE consumer_group = ? AND sent_at IS NULL ORDER BY seq',
      ),
      markSent: db.prepare<[string, string]>('UPDATE kafka_dead_letters SET sent_at = ? WHERE seq IN (SELECT value FROM json_each(?))'),
      page: db.prepare<[string, string | null, string | null, number | null, number | null, number], StoredRow>(
        `SELECT ${STORED_COLUMNS} FROM kafka_dead_letters
         WHERE consumer_group = ? AND (? IS NULL OR reason = ?) AND (? IS NULL OR seq < ?) ORDER BY seq DESC LIMIT ?`,
      ),
      reasons: db.prepare<[string], { reason: string; count: number; waiting: number }>(
        `SELECT reason, count(*) AS count, sum(${WAITING}) AS waiting FROM kafka_dead_letters
         WHERE consumer_group = ? GROUP BY reason ORDER BY count DESC, reason`,
      ),
      byId: db.prepare<[string, number], StoredRow>(
        `SELECT ${STORED_COLUMNS} FROM kafka_dead_letters WHERE consumer_group = ? AND seq = ?`,
      ),
      waitingOfReason: db.prepare<[string, string], StoredRow>(
        `SELECT ${STORED_COLUMNS} FROM kafka_dead_letters WHERE consumer_group = ? AND reason = ? AND ${WAITING} ORDER BY seq`,
      ),
      markRedriven: db.prepare<[string, string, string | null, string, number]>(
        'UPDATE kafka_dead_letters SET redriven_at = ?, redrive_outcome = ?, redrive_reason = ? WHERE consumer_group = ? AND seq = ?',
      ),
    };
    this.record = db.transaction((topic: string, partition: number, nextOffset: string, deadLetters: readonly DeadLetter[]) => {
      const recordedAt = this.now().toISOString();
      for (const letter of deadLetters) {
        const headers: HeadersJson = Object.fromEntries(
          Object.entries(letter.headers).map(([name, value]) => [name, value.toString('base64')]),
        );
        this.statements.addDeadLetter.run(
          this.group,
          letter.topic,
          letter.partition,
          letter.offset,
          letter.key,
          letter.value,
          JSON.stringify(headers),
          letter.reason,
          recordedAt,
        );
      }
      this.statements.saveOffset.run(this.group, topic, partition, nextOffset);
    });
  }

  nextOffset(topic: string, partition: number): string | undefined {
    return this.statements.next.get(this.group, topic, partition)?.next_offset;
  }

  pendingDeadLetters(): (DeadLetter & { seq: number })[] {
    return this.statements.pending.all(this.group).map((row) => ({ ...row, headers: headersOf(row.headers) }));
  }

  markSent(seqs: readonly number[]): void {
    this.statements.markSent.run(this.now().toISOString(), JSON.stringify(seqs));
  }

  page({ reason, before, limit }: Parameters<DeadLetterLedger['page']>[0]): ReturnType<DeadLetterLedger['page']> {
    const rows = this.statements.page.all(this.group, reason ?? null, reason ?? null, before ?? null, before ?? null, limit + 1);
    const letters = rows.slice(0, limit).map(stored);
    return { letters, next: rows.length > limit ? letters.at(-1)!.seq : null };
  }

  reasons(): ReturnType<DeadLetterLedger['reasons']> {
    return this.statements.reasons.all(this.group);
  }

  byId(seq: number): StoredDeadLetter | undefined {
    const row = this.statements.byId.get(this.group, seq);
    return row && stored(row);
  }

  waitingOfReason(reason: string): StoredDeadLetter[] {
    return this.statements.waitingOfReason.all(this.group, reason).map(stored);
  }

  markRedriven(seq: number, redrive: Redrive): void {
    this.statements.markRedriven.run(redrive.at, redrive.outcome, redrive.reason, this.group, seq);
  }
}
