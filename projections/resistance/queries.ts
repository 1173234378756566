import type { ResistanceEvent } from '../../src/resistance/events.ts';
import type { NewEvent } from '../../src/shared/event.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { orgProjection } from '../org.ts';
import { perCheckpoint } from '../perCheckpoint.ts';
import { signalsProjection } from '../signals.ts';
import { stakeholdersProjection } from '../stakeholders.ts';
import { areaScope, type TeamsAndStakeholders, teamsAndStakeholdersWithin } from '../org/teamsAndStakeholders.ts';

/** A signal's status as the signals read model keeps it; every one but `resolved` is open. */
export const signalStatuses = ['open', 'acknowledged', 'escalated', 'resolved'] as const;
export type SignalStatus = (typeof signalStatuses)[number];

/** Which signals the log shows: the open ones (raised, acknowledged or escalated), the resolved ones, or all. */
export const statusFilters = ['open', 'resolved', 'all'] as const;
export type StatusFilter = (typeof statusFilters)[number];

export interface SignalFilter {
  /** The area and every area below it. */
  areaId?: string | undefined;
  status: StatusFilter;
  minSeverity?: number | undefined;
  kind?: string | undefined;
  source?: string | undefined;
  /** Only those naming this team. */
  teamId?: string | undefined;
}

/**
 * A signal's place in the log's order (most severe, then latest raised, then by id):
 * `4_2026-11-02_sig-1`. A page starts after or ends before one.
 */
export const SIGNAL_CURSOR = /^([1-5])_(\d{4}-\d{2}-\d{2})_(.+)$/;
export const signalCursor = (s: { severity: number; raisedOn: string; signalId: string }): string =>
  `${s.severity}_${s.raisedOn}_${s.signalId}`;

/** One page of the log: at most `limit` signals, after or before a signal's cursor (the first page with neither). */
export interface SignalPaging {
  limit: number;
  after?: string | undefined;
  before?: string | undefined;
}

export interface InterventionCounts {
  total: number;
  planned: number;
  /** Cancelled before they happened; the rest of the total is done. */
  cancelled: number;
  /** Planned and due before today. */
  overdue: number;
  /** The earliest due date among the planned ones. */
  nextDueOn: string | null;
}

export interface SignalRow {
  signalId: string;
  kind: string;
  severity: number;
  description: string;
  source: string;
  rule: string | null;
  raisedOn: string;
  status: SignalStatus;
  acknowledgedOn: string | null;
  escalatedOn: string | null;
  escalatedTo: string | null;
  resolvedOn: string | null;
  resolution: string | null;
  /** Names are null when the org or stakeholder read model does not know the id. */
  area: { areaId: string; name: string | null };
  team: { teamId: string; key: string | null; name: string | null } | null;
  stakeholder: { stakeholderId: string; name: string | null } | null;
  interventions: InterventionCounts;
}

export interface Intervention {
  interventionId: string;
  kind: string;
  owner: { coachId: string; name: string | null };
  dueOn: string;
  status: 'planned' | 'done' | 'cancelled';
  completedOn: string | null;
  cancelledOn: string | null;
  /** What came of it; for a cancelled one, why it was cancelled. */
  outcome: string | null;
  overdue: boolean;
}

export type SignalDetail = SignalRow & { interventionList: Intervention[] };

export interface OpenSummary {
  /** Open signals per severity, 5 (most severe) down to 1, zeros included. */
  bySeverity: { severity: number; open: number }[];
  overdueInterventions: number;
}

/** What the filter and the forms offer. */
export interface ResistanceChoices {
  /** In tree order; depth 0 at the top. */
  areas: { areaId: string; name: string; depth: number }[];
  coaches: { coachId: string; name: string }[];
}

interface Row {
  signalId: string;
  kind: string;
  severity: number;
  description: string;
  source: string;
  rule: string | null;
  raisedOn: string;
  status: SignalStatus;
  acknowledgedOn: string | null;
  escalatedOn: string | null;
  escalatedTo: string | null;
  resolvedOn: string | null;
  resolution: string | null;
  areaId: string;
  areaName: string | null;
  teamId: string | null;
  teamKey: string | null;
  teamName: string | null;
  stakeholderId: string | null;
  stakeholderName: string | null;
  total: number;
  planned: number;
  cancelled: number;
  overdue: number;
  nextDueOn: string | null;
}

interface InterventionRow {
  interventionId: string;
  kind: string;
  ownerId: string;
  ownerName: string | null;
  dueOn: string;
  status: 'planned' | 'done' | 'cancelled';
  completedOn: string | null;
  cancelledOn: string | null;
  outcome: string | null;
}

/**
 * A statement that looks in `@areaId` and the areas below it, or everywhere: two statements, since
 * `@areaId IS NULL OR s.area_id IN (…)` would keep SQLite from the area index.
 */
const scopes = {
  everywhere: { with: '', withMore: 'WITH', and: '' },
  inArea: { with: areaScope, withMore: `${areaScope},`, and: 's.area_id IN (SELECT area_id FROM scope) AND ' },
};
type Scope = keyof typeof scopes;
const scopeOf = (areaId: string | null | undefined): Scope => (areaId == null ? 'everywhere' : 'inArea');

/**
 * Signals from `source` (the table, or a page of it) with the names of where each was raised and
 * its interventions counted as of `@today`. The counts walk the interventions by signal: the unary
 * + keeps SQLite from walking every planned intervention by due date for each signal instead.
 */
const signalSelect = (source: string) => `
  SELECT s.signal_id AS signalId, s.kind, s.severity, s.description, s.source, s.rule, s.raised_on AS raisedOn, s.status,
    s.acknowledged_on AS acknowledgedOn, s.escalated_on AS escalatedOn, s.escalated_to AS escalatedTo,
    s.resolved_on AS resolvedOn, s.resolution,
    s.area_id AS areaId, a.name AS areaName, s.team_id AS teamId, t.key AS teamKey, t.name AS teamName,
    s.stakeholder_id AS stakeholderId, st.name AS stakeholderName,
    (SELECT count(*) FROM interventions i WHERE i.signal_id = s.signal_id) AS total,
    (SELECT count(*) FROM interventions i WHERE i.signal_id = s.signal_id AND +i.status = 'planned') AS planned,
    (SELECT count(*) FROM interventions i WHERE i.signal_id = s.signal_id AND +i.status = 'cancelled') AS cancelled,
    (SELECT count(*) FROM interventions i WHERE i.signal_id = s.signal_id AND +i.status = 'planned' AND +i.due_on < @today) AS overdue,
    (SELECT min(due_on) FROM interventions i WHERE i.signal_id = s.signal_id AND +i.status = 'planned') AS nextDueOn
  FROM ${source} s
  LEFT JOIN org_areas a ON a.area_id = s.area_id
  LEFT JOIN org_teams t ON t.team_id = s.team_id
  LEFT JOIN stakeholders st ON st.stakeholder_id = s.stakeholder_id`;

const toSignal = (r: Row): SignalRow => ({
  signalId: r.signalId,
  kind: r.kind,
  severity: r.severity,
  description: r.description,
  source: r.source,
  rule: r.rule,
  raisedOn: r.raisedOn,
  status: r.status,
  acknowledgedOn: r.acknowledgedOn,
  escalatedOn: r.escalatedOn,
  escalatedTo: r.escalatedTo,
  resolvedOn: r.resolvedOn,
  resolution: r.resolution,
  area: { areaId: r.areaId, name: r.areaName },
  team: r.teamId === null ? null : { teamId: r.teamId, key: r.teamKey, name: r.teamName },
  stakeholder: r.stakeholderId === null ? null : { stakeholderId: r.stakeholderId, name: r.stakeholderName },
  interventions: { total: r.total, planned: r.planned, cancelled: r.cancelled, overdue: r.overdue, nextDueOn: r.nextDueOn },
});

const SEVERITIES = [5, 4, 3, 2, 1];

/** What the resistance log and the signal page read. */
export interface ResistanceQueries {
  /** Every signal matching, or a page of them, in the log's order. */
  signals(filter: SignalFilter, today: string, paging?: SignalPaging): SignalRow[];
  /** How many signals match, counted in the read model. */
  countSignals(filter: SignalFilter): number;
  signal(signalId: string, today: string): SignalDetail | null;
  openSummary(areaId: string | undefined, today: string): OpenSummary;
  /** The signal's own events, oldest first, as they were recorded. */
  history(signalId: string): NewEvent<ResistanceEvent>[];
  choices(): ResistanceChoices;
  /** At most `limit` teams and stakeholders in the area and below it (everywhere without one), each list counted whole. */
  teamsAndStakeholders(areaId: string | undefined, limit: number): TeamsAndStakeholders;
  coachFor(areaId: string): string | null;
}

const filterParams = (filter: SignalFilter, today: string) => ({
  areaId: filter.areaId ?? null,
  status: filter.status,
  minSeverity: filter.minSeverity ?? 1,
  kind: filter.kind ?? null,
  source: filter.source ?? null,
  teamId: filter.teamId ?? null,
  today,
});

/**
 * The resistance log's read side over the signals, interventions, org and stakeholders tables.
 * `today` is passed in: an intervention is overdue when it is still planned and its due date is
 * before it.
 */
export class SqliteResistanceQueries implements ResistanceQueries {
  private readonly sql;
  /** The filter's and the raise form's choices, the same on every request until the organisation or its stakeholders change. */
  private readonly cachedChoices: () => ResistanceChoices;
  readonly teamsAndStakeholders: (areaId: string | undefined, limit: number) => TeamsAndStakeholders;

  constructor(db: SqlDatabase) {
    for (const projection of [orgProjection, signalsProjection, stakeholdersProjection]) projection.setUp(db);
    type Filter = {
      areaId: string | null;
      status: StatusFilter;
      minSeverity: number;
      kind: string | null;
      source: string | null;
      teamId: string | null;
      today: string;
    };
    type Page = Filter & { limit: number };
    type From = Page & { severity: number; raisedOn: string; signalId: string };
    // A team's signals are found by its index (the team page asks for them): `@teamId IS NULL OR …`
    // would keep SQLite from using it, so the log with a team has statements of its own.
    const log = (byTeam: boolean, scope: Scope) => {
      const { with: within, withMore, and } = scopes[scope];
      const signalWhere = `${and}(@status = 'all' OR (@status = 'resolved') = (s.status = 'resolved'))
        AND s.severity >= @minSeverity
        AND (@kind IS NULL OR s.kind = @kind)
        AND (@source IS NULL OR s.source = @source)${byTeam ? '\n        AND s.team_id = @teamId' : ''}`;
      // The page's signals first, then their names and counts: those for the page alone, not for every signal matching.
      const signalsIn = <P extends Page>(order: string, from?: string) =>
        db.prepare<[P], Row>(`${withMore} page AS MATERIALIZED (
            SELECT * FROM signals s WHERE ${signalWhere}${from === undefined ? '' : ` AND ${from}`} ORDER BY ${order} LIMIT @limit
          ) ${signalSelect('page')} ORDER BY ${order}`);
      return {
        first: signalsIn<Page>('s.severity DESC, s.raised_on DESC, s.signal_id'),
        after: signalsIn<From>(
          's.severity DESC, s.raised_on DESC, s.signal_id',
          '(s.severity < @severity OR (s.severity = @severity AND (s.raised_on < @raisedOn OR (s.raised_on = @raisedOn AND s.signal_id > @signalId))))',
        ),
        // Read backwards from the cursor, then turned round.
        before: signalsIn<From>(
          's.severity, s.raised_on, s.signal_id DESC',
          '(s.severity > @severity OR (s.severity = @severity AND (s.raised_on > @raisedOn OR (s.raised_on = @raisedOn AND s.signal_id < @signalId))))',
        ),
        count: db.prepare<[Filter], { count: number }>(`${within} SELECT count(*) AS count FROM signals s WHERE ${signalWhere}`),
      };
    };
    const summary = (scope: Scope) => {
      const { with: within, and } = scopes[scope];
      return {
        openBySeverity: db.prepare<[{ areaId: string | null }], { severity: number; open: number }>(`${within}
          SELECT s.severity, count(*) AS open FROM signals s WHERE ${and}s.status <> 'resolved' GROUP BY s.severity`),
        overdue: db.prepare<[{ areaId: string | null; today: string }], { overdue: number }>(`${within}
          SELECT count(*) AS overdue FROM interventions i JOIN signals s ON s.signal_id = i.signal_id
          WHERE ${and}i.status = 'planned' AND i.due_on < @today AND s.status <> 'resolved'`),
      };
    };
    this.sql = {
      log: {
        everywhere: { everyTeam: log(false, 'everywhere'), oneTeam: log(true, 'everywhere') },
        inArea: { everyTeam: log(false, 'inArea'), oneTeam: log(true, 'inArea') },
      },
      signal: db.prepare<[{ signalId: string; today: string }], Row>(`${signalSelect('signals')} WHERE s.signal_id = @signalId`),
      interventions: db.prepare<[string], InterventionRow>(`
        SELECT i.intervention_id AS interventionId, i.kind, i.owner_id AS ownerId, c.name AS ownerName, i.due_on AS dueOn, i.status,
          i.completed_on AS completedOn, i.cancelled_on AS cancelledOn, i.outcome
        FROM interventions i LEFT JOIN org_coaches c ON c.coach_id = i.owner_id
        WHERE i.signal_id = ? ORDER BY i.due_on, i.intervention_id`),
      history: db.prepare<[string], { type: string; data: string; metadata: string }>(
        'SELECT type, data, metadata FROM signal_history WHERE signal_id = ? ORDER BY revision',
      ),
      summary: { everywhere: summary('everywhere'), inArea: summary('inArea') },
      areas: db.prepare<[], { areaId: string; name: string; depth: number }>(`
        WITH RECURSIVE tree(area_id, name, depth, path) AS (
          SELECT area_id, name, 0, name || char(0) FROM org_areas WHERE parent_area_id IS NULL
          UNION ALL
          SELECT a.area_id, a.name, tree.depth + 1, tree.path || a.name || char(0) FROM org_areas a JOIN tree ON a.parent_area_id = tree.area_id
        ) SELECT area_id AS areaId, name, depth FROM tree ORDER BY path`),
      coaches: db.prepare<[], { coachId: string; name: string }>(
        'SELECT coach_id AS coachId, name FROM org_coaches ORDER BY name, coach_id',
      ),
      coachFor: db.prepare<[string], { coachId: string }>(`
        WITH RECURSIVE up(area_id, depth) AS (
          SELECT ?, 0
          UNION ALL SELECT a.parent_area_id, up.depth + 1 FROM org_areas a JOIN up ON a.area_id = up.area_id WHERE a.parent_area_id IS NOT NULL
        ) SELECT ac.coach_id AS coachId FROM up JOIN org_area_coaches ac ON ac.area_id = up.area_id ORDER BY up.depth, ac.coach_id LIMIT 1`),
    };
    this.cachedChoices = perCheckpoint(db, [orgProjection], () => ({ areas: this.sql.areas.all(), coaches: this.sql.coaches.all() }));
    this.teamsAndStakeholders = teamsAndStakeholdersWithin(db);
  }

  /** The log: most severe first, then newest. */
  signals(filter: SignalFilter, today: string, paging?: SignalPaging): SignalRow[] {
    const params = { ...filterParams(filter, today), limit: paging?.limit ?? -1 };
    const from = paging?.after ?? paging?.before;
    const match = from === undefined ? null : SIGNAL_CURSOR.exec(from);
    if (from !== undefined && !match) throw new Error(`not a signal cursor: ${from}`);
    const cursor = match ? { severity: Number(match[1]), raisedOn: match[2]!, signalId: match[3]! } : null;
    const log = this.logFor(filter);
    const rows =
      cursor === null
        ? log.first.all(params)
        : paging?.after !== undefined
          ? log.after.all({ ...params, ...cursor })
          : log.before.all({ ...params, ...cursor }).reverse();
    return rows.map(toSignal);
  }

  countSignals(filter: SignalFilter): number {
    return this.logFor(filter).count.get(filterParams(filter, ''))?.count ?? 0;
  }

  private logFor(filter: SignalFilter) {
    const log = this.sql.log[scopeOf(filter.areaId)];
    return filter.teamId === undefined ? log.everyTeam : log.oneTeam;
  }

  signal(signalId: string, today: string): SignalDetail | null {
    const row = this.sql.signal.get({ signalId, today });
    if (row === undefined) return null;
    const interventionList = this.sql.interventions.all(signalId).map(({ ownerId, ownerName, ...i }) => ({
      ...i,
      owner: { coachId: ownerId, name: ownerName },
      overdue: i.status === 'planned' && i.dueOn < today,
    }));
    return { ...toSignal(row), interventionList };
  }

  history(signalId: string): NewEvent<ResistanceEvent>[] {
    // Stored by the signals projection from events the store validated: their shape is the event's.
    return this.sql.history
      .all(signalId)
      .map((r) => ({ type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }) as NewEvent<ResistanceEvent>);
  }

  /** Open signals by severity and the overdue interventions among them, in an area (and below it) or everywhere. */
  openSummary(areaId: string | undefined, today: string): OpenSummary {
    const summary = this.sql.summary[scopeOf(areaId)];
    const counts = new Map(summary.openBySeverity.all({ areaId: areaId ?? null }).map((r) => [r.severity, r.open]));
    return {
      bySeverity: SEVERITIES.map((severity) => ({ severity, open: counts.get(severity) ?? 0 })),
      overdueInterventions: summary.overdue.get({ areaId: areaId ?? null, today })?.overdue ?? 0,
    };
  }

  choices(): ResistanceChoices {
    return this.cachedChoices();
  }

  /** A coach of the area, or of the nearest area above it that has one: who an intervention goes to by default. */
  coachFor(areaId: string): string | null {
    return this.sql.coachFor.get(areaId)?.coachId ?? null;
  }
}
