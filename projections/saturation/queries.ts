import type { Load, SaturationWeek } from '../../src/resistance/saturation.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { saturationProjection } from '../saturation.ts';
import { signalsProjection } from '../signals.ts';

/** A signal open, or an intervention in progress, during a week: what an area's load is made of. */
export interface SaturationItem {
  kind: 'signal' | 'intervention';
  /** The signal's id, or the intervention's. */
  itemId: string;
  /** The signal itself, or the one the intervention answers: its page lists both. */
  signalId: string;
  areaId: string;
  startedOn: string;
  endedOn: string | null;
  /** The signal's resistance kind, or the intervention's kind. */
  itemKind: string;
  /** The signal's severity and description (for an intervention, those of the signal it answers). */
  severity: number;
  description: string;
  /** An intervention's due date. */
  dueOn: string | null;
}

export interface SaturationQueries {
  /** Each of these areas' own load during a week (not the areas below it): two look-ups per area and kind. */
  ownLoads(areaIds: readonly string[], week: SaturationWeek): Map<string, Load>;
  /** What the load of these areas is made of during a week, signals or interventions: the most severe signal's first; at most `limit`, and how many in all. */
  items(
    areaIds: readonly string[],
    week: SaturationWeek,
    kind: SaturationItem['kind'],
    limit: number,
  ): { items: SaturationItem[]; total: number };
}

/** A running total of an area's on the latest day at or before `day` that has a row; 0 before its first. */
const totalBy = (total: string, day: string) =>
  `coalesce((SELECT ${total} FROM saturation_totals t WHERE t.area_id = a.value AND t.on_date <= ${day} ORDER BY t.on_date DESC LIMIT 1), 0)`;

/**
 * `during`: the items open during the week, started on or before its last day and not ended
 * before its first. Read as two ranges of `saturation_items_open`, still open and ended since the
 * week began, so the items that ended before it (the area's history) are never read. (`CROSS JOIN`
 * keeps the areas outside: SQLite would otherwise walk every item of the kind for the second range.)
 */
const during = `
  areas(area_id) AS (SELECT DISTINCT value FROM json_each(@areas)),
  during AS (
    SELECT i.* FROM areas a CROSS JOIN saturation_items i
    WHERE i.kind = @kind AND i.area_id = a.area_id AND i.ended_on IS NULL AND i.started_on <= @to
    UNION ALL
    SELECT i.* FROM areas a CROSS JOIN saturation_items i
    WHERE i.kind = @kind AND i.area_id = a.area_id AND i.ended_on >= @from AND i.started_on <= @to
  )`;

interface Window {
  kind: string;
  areas: string;
  from: string;
  to: string;
}

export class SqliteSaturationQueries implements SaturationQueries {
  private readonly sql;

  constructor(db: SqlDatabase) {
    for (const projection of [saturationProjection, signalsProjection]) projection.setUp(db);
    this.sql = {
      loads: db.prepare<[Omit<Window, 'kind'>], { areaId: string; signals: number; interventions: number }>(`
        SELECT a.value AS areaId,
          ${totalBy('signals_raised', '@to')} - ${totalBy('signals_resolved', "date(@from, '-1 day')")} AS signals,
          ${totalBy('interventions_planned', '@to')} - ${totalBy('interventions_ended', "date(@from, '-1 day')")} AS interventions
        FROM json_each(@areas) a`),
      items: db.prepare<[Window & { limit: number }], SaturationItem>(`
        WITH ${during}
        SELECT i.kind, i.item_id AS itemId, i.signal_id AS signalId, i.area_id AS areaId, i.started_on AS startedOn, i.ended_on AS endedOn,
          coalesce(v.kind, s.kind) AS itemKind, s.severity, s.description, v.due_on AS dueOn
        FROM during i
        JOIN signals s ON s.signal_id = i.signal_id
        LEFT JOIN interventions v ON i.kind = 'intervention' AND v.intervention_id = i.item_id
        ORDER BY s.severity DESC, i.started_on, i.item_id
        LIMIT @limit`),
      count: db.prepare<[Window], { total: number }>(`WITH ${during} SELECT count(*) AS total FROM during`),
    };
  }

  ownLoads(areaIds: readonly string[], week: SaturationWeek): Map<string, Load> {
    const rows = this.sql.loads.all({ areas: JSON.stringify(areaIds), from: week.from, to: week.to });
    return new Map(rows.map((r) => [r.areaId, { signals: r.signals, interventions: r.interventions }]));
  }

  items(
    areaIds: readonly string[],
    week: SaturationWeek,
    kind: SaturationItem['kind'],
    limit: number,
  ): { items: SaturationItem[]; total: number } {
    const window = { kind, areas: JSON.stringify(areaIds), from: week.from, to: week.to };
    return { items: this.sql.items.all({ ...window, limit }), total: this.sql.count.get(window)?.total ?? 0 };
  }
}
