import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/** The integration tokens granted, by the hash the ingest endpoint looks them up with. */
export const integrationsProjection = defineProjection({
  name: 'integrations',
  version: 1,
  keptByRebuild: true,
  reads: ['IntegrationTokenGranted', 'IntegrationTokenRevoked'],
  tables: ['integration_tokens'],
  schema: `
    CREATE TABLE IF NOT EXISTS integration_tokens (
      token_id   TEXT PRIMARY KEY,
      source     TEXT NOT NULL,
      name       TEXT NOT NULL,
      hash       TEXT NOT NULL UNIQUE,
      granted_at TEXT NOT NULL,
      revoked_at TEXT
    );
  `,
  prepare: (db: SqlDatabase) => ({
    grant: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO integration_tokens (token_id, source, name, hash, granted_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    revoke: db.prepare<[string, string]>('UPDATE integration_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL'),
  }),
  handle(sql, event) {
    switch (event.type) {
      case 'IntegrationTokenGranted': {
        const { tokenId, source, name, hash } = event.data;
        return unless(sql.grant.run(tokenId, source, name, hash, event.metadata.recordedAt).changes, `token ${tokenId} already granted`);
      }
      case 'IntegrationTokenRevoked':
        return unless(
          sql.revoke.run(event.metadata.recordedAt, event.data.tokenId).changes,
          `unknown or revoked token ${event.data.tokenId}`,
        );
      default:
        return undefined;
    }
  },
});

export interface IntegrationToken {
  tokenId: string;
  source: string;
  name: string;
  grantedAt: string;
  revokedAt: string | null;
}

/** A token as the integrations page lists it: when it was last presented, too. */
export interface ListedToken extends IntegrationToken {
  lastUsedAt: string | null;
}

/** What the ingest endpoint asks (whose token is this?) and tells (it was used), and what the page lists. */
export interface IntegrationTokens {
  byHash(hash: string): IntegrationToken | undefined;
  /** Records that the token was presented at `at`; written at most once a minute per token. */
  used(tokenId: string, at: Date): void;
  /** Every token, newest grant first. */
  all(): ListedToken[];
}

/** A busy integration presents its token on every request: its last use is written at most this often. */
const USE_WRITE_INTERVAL_MS = 60_000;

/**
 * The tokens as the read model knows them; the hash never leaves this class. When a token was
 * last used is not an event (it would flood the store): a table of its own beside the read
 * model, outside the projection's tables so a rebuild keeps it.
 */
export class SqliteIntegrationTokens implements IntegrationTokens {
  private readonly sql;
  /** When each token's use was last written, by this process. */
  private readonly written = new Map<string, number>();

  constructor(db: SqlDatabase) {
    integrationsProjection.setUp(db);
    db.exec(`
      CREATE TABLE IF NOT EXISTS integration_token_use (
        token_id     TEXT PRIMARY KEY,
        last_used_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
    const columns = 'token_id AS tokenId, source, name, granted_at AS grantedAt, revoked_at AS revokedAt';
    this.sql = {
      byHash: db.prepare<[string], IntegrationToken>(`SELECT ${columns} FROM integration_tokens WHERE hash = ?`),
      all: db.prepare<[], ListedToken>(
        `SELECT ${columns}, last_used_at AS lastUsedAt FROM integration_tokens LEFT JOIN integration_token_use USING (token_id)
         ORDER BY granted_at DESC, token_id`,
      ),
      used: db.prepare<[string, string]>(
        `INSERT INTO integration_token_use (token_id, last_used_at) VALUES (?, ?)
         ON CONFLICT DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at)`,
      ),
    };
  }

  byHash(hash: string): IntegrationToken | undefined {
    return this.sql.byHash.get(hash);
  }

  used(tokenId: string, at: Date): void {
    const last = this.written.get(tokenId);
    if (last !== undefined && at.getTime() - last < USE_WRITE_INTERVAL_MS) return;
    this.written.set(tokenId, at.getTime());
    this.sql.used.run(tokenId, at.toISOString());
  }

  all(): ListedToken[] {
    return this.sql.all.all();
  }
}
