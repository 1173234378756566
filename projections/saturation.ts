import { laterOf } from '../src/adoption/calendar.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection } from './support.ts';

/** The running totals a day's row keeps, per area: each only ever grows. */
const totals = ['signals_raised', 'signals_resolved', 'interventions_planned', 'interventions_ended'] as const;
type Total = (typeof totals)[number];

/**
 * Change saturation's read model (src/resistance/saturation.ts): the area's signals and
 * interventions as spans of days, and per area running totals of how many started and ended by
 * each day something did. How many were open during a week is then two look-ups per area,
 * whatever the number of signals: started by its last day, less ended before its first.
 *
 * A signal spans its raised and resolved dates; an intervention the day it was planned (the
 * event's business date: the plan records no date of its own) to the day it was done or
 * cancelled. An end before the start is read as the start, so no week counts below zero.
 */
export const saturationProjection = defineProjection({
  name: 'saturation',
  version: 1,
  reads: ['ResistanceSignalRaised', 'ResistanceSignalResolved', 'InterventionPlanned', 'InterventionCompleted', 'InterventionCancelled'],
  tables: ['saturation_items', 'saturation_totals'],
  schema: `
    CREATE TABLE IF NOT EXISTS saturation_items (
      kind        TEXT NOT NULL, -- signal or intervention
      item_id     TEXT NOT NULL,
      signal_id   TEXT NOT NULL,
      area_id     TEXT NOT NULL,
      started_on  TEXT NOT NULL,
      ended_on    TEXT,
      PRIMARY KEY (kind, item_id)
    ) WITHOUT ROWID;
    -- The items open during a week (saturation/queries.ts): still open, or ended since it began.
    CREATE INDEX IF NOT EXISTS saturation_items_open ON saturation_items (kind, area_id, ended_on, started_on);
    -- Replaced by saturation_items_open: files built before it keep it otherwise, written to for nothing.
    DROP INDEX IF EXISTS saturation_items_area;
    CREATE TABLE IF NOT EXISTS saturation_totals (
      area_id               TEXT NOT NULL,
      on_date               TEXT NOT NULL,
      signals_raised        INTEGER NOT NULL,
      signals_resolved      INTEGER NOT NULL,
      interventions_planned INTEGER NOT NULL,
      interventions_ended   INTEGER NOT NULL,
      PRIMARY KEY (area_id, on_date)
    ) WITHOUT ROWID;
  `,
  prepare: (db: SqlDatabase) => {
    const columns = totals.join(', ');
    // A day's row starts from the totals of the latest day before it (or from nothing), then
    // every row from that day on counts the item: a backdated one moves the later days too.
    const carry = db.prepare<[string, string, string, string]>(`
      INSERT OR IGNORE INTO saturation_totals (area_id, on_date, ${columns})
      SELECT ?, ?, ${columns} FROM saturation_totals WHERE area_id = ? AND on_date < ? ORDER BY on_date DESC LIMIT 1`);
    const open = db.prepare<[string, string]>(
      `INSERT OR IGNORE INTO saturation_totals (area_id, on_date, ${columns}) VALUES (?, ?, 0, 0, 0, 0)`,
    );
    const add = Object.fromEntries(
      totals.map((total) => [
        total,
        db.prepare<[string, string]>(`UPDATE saturation_totals SET ${total} = ${total} + 1 WHERE area_id = ? AND on_date >= ?`),
      ]),
    ) as Record<Total, ReturnType<typeof db.prepare<[string, string]>>>;
    return {
      start: db.prepare<[string, string, string, string, string]>(
        'INSERT INTO saturation_items (kind, item_id, signal_id, area_id, started_on) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      item: db.prepare<[string, string], { area_id: string; started_on: string; ended_on: string | null }>(
        'SELECT area_id, started_on, ended_on FROM saturation_items WHERE kind = ? AND item_id = ?',
      ),
      end: db.prepare<[string, string, string]>('UPDATE saturation_items SET ended_on = ? WHERE kind = ? AND item_id = ?'),
      count(areaId: string, on: string, total: Total) {
        carry.run(areaId, on, areaId, on);
        open.run(areaId, on);
        add[total].run(areaId, on);
      },
    };
  },
  handle(sql, event) {
    const start = (kind: string, itemId: string, signalId: string, areaId: string, on: string, total: Total) => {
      if (sql.start.run(kind, itemId, signalId, areaId, on).changes === 0) return `${kind} ${itemId} already started`;
      sql.count(areaId, on, total);
      return undefined;
    };
    const end = (kind: string, itemId: string, on: string, total: Total) => {
      const item = sql.item.get(kind, itemId);
      if (item === undefined || item.ended_on !== null) return `${kind} ${itemId} unknown or already ended`;
      const endedOn = laterOf(on, item.started_on);
      sql.end.run(endedOn, kind, itemId);
      sql.count(item.area_id, endedOn, total);
      return undefined;
    };
    switch (event.type) {
      case 'ResistanceSignalRaised': {
        const { signalId, areaId, raisedOn } = event.data;
        return start('signal', signalId, signalId, areaId, raisedOn, 'signals_raised');
      }
      case 'ResistanceSignalResolved':
        return end('signal', event.data.signalId, event.data.resolvedOn, 'signals_resolved');
      case 'InterventionPlanned': {
        const { signalId, interventionId } = event.data;
        const signal = sql.item.get('signal', signalId);
        if (signal === undefined) return `unknown signal ${signalId}`;
        return start(
          'intervention',
          interventionId,
          signalId,
          signal.area_id,
          event.metadata.occurredAt.slice(0, 10),
          'interventions_planned',
        );
      }
      case 'InterventionCompleted':
        return end('intervention', event.data.interventionId, event.data.completedOn, 'interventions_ended');
      case 'InterventionCancelled':
        return end('intervention', event.data.interventionId, event.data.cancelledOn, 'interventions_ended');
      default:
        return undefined;
    }
  },
});
