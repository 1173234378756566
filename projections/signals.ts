import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection, unless } from './support.ts';

/**
 * Resistance signals per area, with their dates, so "open as of a date" is answerable: raised on
 * or before it and not resolved by then. Interventions carry their due date. Each signal's own
 * events are kept as they were recorded (`signal_history`), so its page lists them without
 * reading the stream and puts them in words when it is read.
 */
export const signalsProjection = defineProjection({
  name: 'signals',
  version: 3,
  reads: [
    'ResistanceSignalRaised',
    'ResistanceSignalAcknowledged',
    'ResistanceSignalEscalated',
    'ResistanceSignalResolved',
    'InterventionPlanned',
    'InterventionCompleted',
    'InterventionCancelled',
    // Kept in the signal's history only: its page shows the proposal from there.
    'ResistanceSignalResolutionProposed',
  ],
  tables: ['signals', 'interventions', 'signal_history'],
  schema: `
    CREATE TABLE IF NOT EXISTS signals (
      signal_id       TEXT PRIMARY KEY,
      area_id         TEXT NOT NULL,
      team_id         TEXT,
      stakeholder_id  TEXT,
      kind            TEXT NOT NULL,
      severity        INTEGER NOT NULL,
      description     TEXT NOT NULL,
      source          TEXT NOT NULL,
      rule            TEXT,
      raised_on       TEXT NOT NULL,
      -- open → acknowledged / escalated → resolved
      status          TEXT NOT NULL,
      acknowledged_on TEXT,
      escalated_on    TEXT,
      escalated_to    TEXT,
      resolved_on     TEXT,
      resolution      TEXT
    );
    CREATE INDEX IF NOT EXISTS signals_area ON signals (area_id, raised_on);
    CREATE INDEX IF NOT EXISTS signals_team ON signals (team_id);
    -- the resistance log's order: a page is read from it, not sorted out of every signal
    CREATE INDEX IF NOT EXISTS signals_log ON signals (severity DESC, raised_on DESC, signal_id);
    -- the digest: a week's signals raised, and escalated
    CREATE INDEX IF NOT EXISTS signals_raised ON signals (raised_on);
    CREATE INDEX IF NOT EXISTS signals_escalated ON signals (escalated_on) WHERE escalated_on IS NOT NULL;
    CREATE TABLE IF NOT EXISTS interventions (
      intervention_id TEXT PRIMARY KEY,
      signal_id       TEXT NOT NULL,
      area_id         TEXT NOT NULL,
      kind            TEXT NOT NULL,
      owner_id        TEXT NOT NULL,
      due_on          TEXT NOT NULL,
      -- planned → done or cancelled; a cancelled one keeps its reason as its outcome
      status          TEXT NOT NULL,
      completed_on    TEXT,
      cancelled_on    TEXT,
      outcome         TEXT
    );
    CREATE INDEX IF NOT EXISTS interventions_due ON interventions (status, due_on);
    CREATE INDEX IF NOT EXISTS interventions_signal ON interventions (signal_id);
    CREATE TABLE IF NOT EXISTS signal_history (
      signal_id   TEXT NOT NULL,
      revision    INTEGER NOT NULL,
      type        TEXT NOT NULL,
      data        TEXT NOT NULL,
      metadata    TEXT NOT NULL,
      PRIMARY KEY (signal_id, revision)
    ) WITHOUT ROWID;
  `,
  prepare: (db: SqlDatabase) => ({
    record: db.prepare<[string, number, string, string, string]>(
      'INSERT INTO signal_history (signal_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    raise: db.prepare<[string, string, string | null, string | null, string, number, string, string, string | null, string]>(`
      INSERT INTO signals (signal_id, area_id, team_id, stakeholder_id, kind, severity, description, source, rule, raised_on, status)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open') ON CONFLICT DO NOTHING`),
    areaOf: db.prepare<[string], { area_id: string }>('SELECT area_id FROM signals WHERE signal_id = ?'),
    // An escalated signal can still be acknowledged: it keeps its status, and the date is recorded.
    acknowledge: db.prepare<[string, string]>(
      "UPDATE signals SET acknowledged_on = ?, status = CASE status WHEN 'open' THEN 'acknowledged' ELSE status END WHERE signal_id = ? AND status <> 'resolved' AND acknowledged_on IS NULL",
    ),
    escalate: db.prepare<[string, string, string]>(
      "UPDATE signals SET status = 'escalated', escalated_on = ?, escalated_to = ? WHERE signal_id = ? AND status <> 'resolved'",
    ),
    resolve: db.prepare<[string, string, string]>(
      "UPDATE signals SET status = 'resolved', resolved_on = ?, resolution = ? WHERE signal_id = ? AND status <> 'resolved'",
    ),
    plan: db.prepare<[string, string, string, string, string, string]>(`
      INSERT INTO interventions (intervention_id, signal_id, area_id, kind, owner_id, due_on, status)
      VALUES (?, ?, ?, ?, ?, ?, 'planned') ON CONFLICT DO NOTHING`),
    complete: db.prepare<[string, string, string, string]>(
      "UPDATE interventions SET status = 'done', completed_on = ?, outcome = ? WHERE intervention_id = ? AND signal_id = ? AND status = 'planned'",
    ),
    cancel: db.prepare<[string, string, string, string]>(
      "UPDATE interventions SET status = 'cancelled', cancelled_on = ?, outcome = ? WHERE intervention_id = ? AND signal_id = ? AND status = 'planned'",
    ),
  }),
  handle(sql, event) {
    // Every event of a signal's stream names the signal; the history keeps each one, as recorded.
    const { signalId } = event.data as { signalId?: unknown };
    if (typeof signalId === 'string')
      sql.record.run(signalId, event.revision, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
    switch (event.type) {
      case 'ResistanceSignalRaised': {
        const d = event.data;
        const severity = Math.min(5, Math.max(1, d.severity));
        const changes = sql.raise.run(
          d.signalId,
          d.areaId,
          d.teamId ?? null,
          d.stakeholderId ?? null,
          d.kind,
          severity,
          d.description,
          d.source,
          d.rule ?? null,
          d.raisedOn,
        ).changes;
        return unless(changes, `signal ${d.signalId} already raised`);
      }
      case 'ResistanceSignalAcknowledged':
        return unless(
          sql.acknowledge.run(event.data.acknowledgedOn, event.data.signalId).changes,
          `signal ${event.data.signalId} unknown, resolved or already acknowledged`,
        );
      case 'ResistanceSignalEscalated': {
        const { escalatedOn, to, signalId } = event.data;
        return unless(sql.escalate.run(escalatedOn, to, signalId).changes, `signal ${signalId} unknown or resolved`);
      }
      case 'ResistanceSignalResolved': {
        const { resolvedOn, resolution, signalId } = event.data;
        return unless(sql.resolve.run(resolvedOn, resolution, signalId).changes, `signal ${signalId} unknown or already resolved`);
      }
      case 'InterventionPlanned': {
        const { interventionId, signalId, kind, ownerId, dueOn } = event.data;
        const signal = sql.areaOf.get(signalId);
        if (!signal) return `unknown signal ${signalId}`;
        return unless(
          sql.plan.run(interventionId, signalId, signal.area_id, kind, ownerId, dueOn).changes,
          `intervention ${interventionId} already planned`,
        );
      }
      case 'InterventionCompleted': {
        const { completedOn, outcome, interventionId, signalId } = event.data;
        return unless(
          sql.complete.run(completedOn, outcome, interventionId, signalId).changes,
          `intervention ${interventionId} unknown or already done`,
        );
      }
      case 'InterventionCancelled': {
        const { cancelledOn, reason, interventionId, signalId } = event.data;
        return unless(
          sql.cancel.run(cancelledOn, reason, interventionId, signalId).changes,
          `intervention ${interventionId} unknown or no longer planned`,
        );
      }
      default:
        return undefined;
    }
  },
});
