import type Database from 'better-sqlite3';
import type { ConsumerLedger, DeadLetter } from '../../src/ingest/consumer.ts';

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

/**
 * The Kafka consumer's memory in Uptake's SQLite file, for one consumer group: the next offset
 * per topic and partition (what makes a redelivered batch cheap to skip) and the dead letters,
 * kept after they were produced (`sent_at`) as the list of what was refused and why.
 */
export class SqliteConsumerLedger implements ConsumerLedger {
  private readonly statements;
  /** A transaction of its own, or a savepoint inside the batch's unit of work. */
  readonly record: ConsumerLedger['record'];

  constructor(
    db: Database.Database,
    private readonly group: string,
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
    `);
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
    return this.statements.pending.all(this.group).map((row) => ({
      ...row,
      headers: Object.fromEntries(
        Object.entries(JSON.parse(row.headers) as HeadersJson).map(([name, value]) => [name, Buffer.from(value, 'base64')]),
      ),
    }));
  }

  markSent(seqs: readonly number[]): void {
    this.statements.markSent.run(this.now().toISOString(), JSON.stringify(seqs));
  }
}
