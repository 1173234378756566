import type Database from 'better-sqlite3';
import type { PublisherCheckpoint } from '../../src/outbound/publisher.ts';

/** How far the publisher to one topic got, in Uptake's SQLite file: the global position the broker acknowledged. */
export class SqlitePublisherCheckpoint implements PublisherCheckpoint {
  private readonly statements;

  constructor(
    db: Database.Database,
    private readonly topic: string,
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS kafka_publisher_checkpoints (
        topic    TEXT PRIMARY KEY,
        -- decimal text: store positions are 64-bit and must survive exactly
        position TEXT NOT NULL
      );
    `);
    this.statements = {
      get: db.prepare<[string], { position: string }>('SELECT position FROM kafka_publisher_checkpoints WHERE topic = ?'),
      save: db.prepare<[string, string]>(
        `INSERT INTO kafka_publisher_checkpoints (topic, position) VALUES (?, ?)
         ON CONFLICT (topic) DO UPDATE SET position = excluded.position`,
      ),
    };
  }

  position(): bigint {
    return BigInt(this.statements.get.get(this.topic)?.position ?? '0');
  }

  save(position: bigint): void {
    this.statements.save.run(this.topic, position.toString());
  }
}
