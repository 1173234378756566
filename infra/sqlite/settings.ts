import { randomBytes } from 'node:crypto';
import type { SqlDatabase } from '../../src/shared/sql.ts';

/**
 * What Uptake remembers about its own installation, beside the read models and untouched by a
 * rebuild: whether the store holds the demo organisation, and the demo's generated session secret.
 */
export class InstallationSettings {
  private readonly sql;

  constructor(db: SqlDatabase) {
    db.exec('CREATE TABLE IF NOT EXISTS uptake_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID');
    this.sql = {
      get: db.prepare<[string], { value: string }>('SELECT value FROM uptake_settings WHERE key = ?'),
      set: db.prepare<[string, string]>(
        'INSERT INTO uptake_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  /** The store was filled by the demo seed: its sign-in page may list the demo accounts. */
  get demo(): boolean {
    return this.sql.get.get('demo')?.value === 'yes';
  }

  markDemo(): void {
    this.sql.set.run('demo', 'yes');
  }

  /** A demo store's session secret, made once and kept, so a restart signs nobody out. */
  demoSessionSecret(): string {
    const kept = this.sql.get.get('session_secret')?.value;
    if (kept !== undefined) return kept;
    const secret = randomBytes(32).toString('base64url');
    this.sql.set.run('session_secret', secret);
    return secret;
  }
}
