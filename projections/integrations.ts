import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/** The integration tokens granted, by the hash the ingest endpoint looks them up with. */
export const integrationsProjection = defineProjection({
  name: 'integrations',
  version: 1,
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

/** What the ingest endpoint asks: whose token is this? */
export interface IntegrationTokens {
  byHash(hash: string): IntegrationToken | undefined;
}

/** The tokens as the read model knows them; the hash never leaves this class. */
export class SqliteIntegrationTokens implements IntegrationTokens {
  private readonly sql;

  constructor(db: SqlDatabase) {
    integrationsProjection.setUp(db);
    const columns = 'token_id AS tokenId, source, name, granted_at AS grantedAt, revoked_at AS revokedAt';
    this.sql = {
      byHash: db.prepare<[string], IntegrationToken>(`SELECT ${columns} FROM integration_tokens WHERE hash = ?`),
      all: db.prepare<[], IntegrationToken>(`SELECT ${columns} FROM integration_tokens ORDER BY granted_at, token_id`),
    };
  }

  byHash(hash: string): IntegrationToken | undefined {
    return this.sql.byHash.get(hash);
  }

  all(): IntegrationToken[] {
    return this.sql.all.all();
  }
}
