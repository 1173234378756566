import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { SqlDatabase } from '../../src/shared/sql.ts';

/**
 * Signed-in sessions, server side: the cookie carries only a signed id, so signing out, a
 * deactivation or a password change ends a session for good, not when a cookie expires. Not a
 * read model: sessions are not events and a rebuild leaves them alone.
 */
export class SqliteSessionStore implements SessionStore {
  private readonly sql;

  constructor(
    db: SqlDatabase,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS web_sessions (
        session_id TEXT PRIMARY KEY,
        expires_at TEXT NOT NULL,
        data       TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS web_sessions_by_expiry ON web_sessions (expires_at);
    `);
    this.sql = {
      get: db.prepare<[string, string], { data: string }>('SELECT data FROM web_sessions WHERE session_id = ? AND expires_at > ?'),
      set: db.prepare<[string, string, string]>(
        'INSERT INTO web_sessions (session_id, expires_at, data) VALUES (?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET expires_at = excluded.expires_at, data = excluded.data',
      ),
      destroy: db.prepare<[string]>('DELETE FROM web_sessions WHERE session_id = ?'),
      expire: db.prepare<[string]>('DELETE FROM web_sessions WHERE expires_at <= ?'),
    };
  }

  get(sessionId: string, callback: (error: unknown, session?: Session | null) => void): void {
    const row = this.sql.get.get(sessionId, this.now().toISOString());
    callback(null, row === undefined ? null : (JSON.parse(row.data) as Session));
  }

  set(sessionId: string, session: Session, callback: (error?: unknown) => void): void {
    const now = this.now();
    const expires = session.cookie.expires
      ? new Date(session.cookie.expires)
      : new Date(now.getTime() + (session.cookie.originalMaxAge ?? 0));
    this.sql.set.run(sessionId, expires.toISOString(), JSON.stringify(session));
    this.sql.expire.run(now.toISOString());
    callback();
  }

  destroy(sessionId: string, callback: (error?: unknown) => void): void {
    this.sql.destroy.run(sessionId);
    callback();
  }
}
