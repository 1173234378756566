import type { Role } from '../src/access/events.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/**
 * Who may sign in, as what: one row per account with its password hash (scrypt), and the instant
 * before which a session no longer counts (its password changed, or it was deactivated).
 */
export const accountsProjection = defineProjection({
  name: 'accounts',
  version: 1,
  keptByRebuild: true,
  reads: ['AccountOpened', 'PasswordSet', 'RoleChanged', 'AccountDeactivated', 'AccountReactivated'],
  tables: ['accounts'],
  schema: `
    CREATE TABLE IF NOT EXISTS accounts (
      account_id       TEXT PRIMARY KEY,
      email            TEXT NOT NULL UNIQUE COLLATE NOCASE,
      name             TEXT NOT NULL,
      role             TEXT NOT NULL,
      coach_id         TEXT,
      active           INTEGER NOT NULL,
      password_hash    TEXT,
      sessions_from    TEXT NOT NULL,
      opened_at        TEXT NOT NULL
    );
  `,
  prepare: (db: SqlDatabase) => ({
    open: db.prepare<[string, string, string, string, string | null, string, string]>(
      `INSERT INTO accounts (account_id, email, name, role, coach_id, active, sessions_from, opened_at)
       VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`,
    ),
    password: db.prepare<[string, string, string]>('UPDATE accounts SET password_hash = ?, sessions_from = ? WHERE account_id = ?'),
    role: db.prepare<[string, string | null, string]>('UPDATE accounts SET role = ?, coach_id = ? WHERE account_id = ?'),
    active: db.prepare<[number, string]>('UPDATE accounts SET active = ? WHERE account_id = ?'),
  }),
  handle(sql, event) {
    const at = event.metadata.recordedAt;
    switch (event.type) {
      case 'AccountOpened': {
        const { accountId, email, name, role, coachId } = event.data;
        return unless(sql.open.run(accountId, email, name, role, coachId, at, at).changes, `account ${accountId} already open`);
      }
      case 'PasswordSet':
        return unless(sql.password.run(event.data.hash, at, event.data.accountId).changes, `unknown account ${event.data.accountId}`);
      case 'RoleChanged':
        return unless(
          sql.role.run(event.data.role, event.data.coachId, event.data.accountId).changes,
          `unknown account ${event.data.accountId}`,
        );
      case 'AccountDeactivated':
      case 'AccountReactivated':
        return unless(
          sql.active.run(event.type === 'AccountReactivated' ? 1 : 0, event.data.accountId).changes,
          `unknown account ${event.data.accountId}`,
        );
      default:
        return undefined;
    }
  },
});

export interface Account {
  accountId: string;
  email: string;
  name: string;
  role: Role;
  coachId: string | null;
  active: boolean;
  /** A session signed in before this instant no longer counts. */
  sessionsFrom: string;
  openedAt: string;
}

/** The accounts as the read model knows them; the password hash is only handed to sign-in. */
export interface Accounts {
  byId(accountId: string): Account | undefined;
  /** For sign-in: the account and its hash (null until a password is set). */
  credentialsOf(email: string): { account: Account; passwordHash: string | null } | undefined;
  all(): Account[];
  emails(): string[];
  activeAdmins(): string[];
}

type AccountRow = Omit<Account, 'active'> & { active: number };
const fromRow = ({ active, ...row }: AccountRow): Account => ({ ...row, active: active === 1 });

export class SqliteAccounts implements Accounts {
  private readonly sql;

  constructor(db: SqlDatabase) {
    accountsProjection.setUp(db);
    const columns =
      'account_id AS accountId, email, name, role, coach_id AS coachId, active, sessions_from AS sessionsFrom, opened_at AS openedAt';
    this.sql = {
      byId: db.prepare<[string], AccountRow>(`SELECT ${columns} FROM accounts WHERE account_id = ?`),
      byEmail: db.prepare<[string], AccountRow & { passwordHash: string | null }>(
        `SELECT ${columns}, password_hash AS passwordHash FROM accounts WHERE email = ?`,
      ),
      all: db.prepare<[], AccountRow>(`SELECT ${columns} FROM accounts ORDER BY name COLLATE NOCASE, account_id`),
      emails: db.prepare<[], { email: string }>('SELECT email FROM accounts ORDER BY email'),
      activeAdmins: db.prepare<[], { accountId: string }>(
        "SELECT account_id AS accountId FROM accounts WHERE role = 'admin' AND active = 1 ORDER BY account_id",
      ),
    };
  }

  byId(accountId: string): Account | undefined {
    const row = this.sql.byId.get(accountId);
    return row && fromRow(row);
  }

  credentialsOf(email: string) {
    const row = this.sql.byEmail.get(email.trim());
    if (row === undefined) return undefined;
    const { passwordHash, ...account } = row;
    return { account: fromRow(account), passwordHash };
  }

  all(): Account[] {
    return this.sql.all.all().map(fromRow);
  }

  emails(): string[] {
    return this.sql.emails.all().map((r) => r.email);
  }

  activeAdmins(): string[] {
    return this.sql.activeAdmins.all().map((r) => r.accountId);
  }
}
