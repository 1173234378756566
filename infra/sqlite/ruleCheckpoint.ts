import type Database from 'better-sqlite3';
import type { RuleCheckpoint } from '../../src/rules/processManager.ts';
import { type RulesState, rulesStateVersion } from '../../src/rules/rules.ts';

/** The rules' position and folded state in Uptake's SQLite file, one row saved as one statement. */
export class SqliteRuleCheckpoint implements RuleCheckpoint {
  private readonly statements;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rule_checkpoint (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        -- decimal text: store positions are 64-bit and must survive exactly
        position TEXT NOT NULL,
        state    TEXT NOT NULL
      );
    `);
    this.statements = {
      get: db.prepare<[], { position: string; state: string }>('SELECT position, state FROM rule_checkpoint WHERE id = 1'),
      save: db.prepare<[string, string]>(
        `INSERT INTO rule_checkpoint (id, position, state) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, state = excluded.state`,
      ),
      reset: db.prepare('DELETE FROM rule_checkpoint'),
    };
  }

  load(): { position: bigint; state: RulesState } | null {
    const row = this.statements.get.get();
    if (row === undefined) return null;
    const state = JSON.parse(row.state) as RulesState;
    // A state of another version is folded again from the first event.
    return state.version === rulesStateVersion ? { position: BigInt(row.position), state } : null;
  }

  save(position: bigint, state: RulesState): void {
    this.statements.save.run(position.toString(), JSON.stringify(state));
  }

  /** The rules start again from the first event: what they infer again is recognised, not recorded twice. */
  reset(): void {
    this.statements.reset.run();
  }
}
