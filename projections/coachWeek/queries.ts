/**
 * The coach's week: what needs one coach now, across the areas they are assigned to and every
 * area below those. Five kinds of need, each answered by its own page: teams whose check-ins are
 * late or missing (the adoption model's freshness, read from the heatmap queries), overdue
 * interventions, new signals nobody has acknowledged, stakeholders nobody has engaged for weeks,
 * and objectives that reach no strategic theme. A week lists each kind with one prepared statement; the coaches list counts each kind
 * once per area and sums a coach's areas, so its cost grows with the areas, never with the
 * coaches times their teams, and it never runs a query per coach.
 */
import { addDays } from '../../src/adoption/calendar.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { quietBefore } from '../../src/stakeholder/model.ts';
import type { AreaRow, HeatmapQueries, TeamRow } from '../heatmap/types.ts';
import { objectivesProjection } from '../objectives.ts';
import { orgProjection } from '../org.ts';
import { signalsProjection } from '../signals.ts';
import { stakeholdersProjection } from '../stakeholders.ts';

/** A signal raised this many days ago or less, and still open, is new. */
export const NEW_SIGNAL_DAYS = 14;

export const needKinds = ['checkIns', 'orphans', 'interventions', 'signals', 'stakeholders'] as const;
export type NeedKind = (typeof needKinds)[number];

export interface AreaRef {
  areaId: string;
  code: string;
  name: string;
}

export interface TeamRef {
  teamId: string;
  key: string;
  name: string;
}

export interface CoachSummary {
  coachId: string;
  name: string;
  email: string;
  /** The areas the coach is assigned to (their sub-areas are covered too). */
  areas: AreaRef[];
  needs: Record<NeedKind, number>;
}

/** A team whose check-ins are late or have not started; `checkIn` is the heatmap's. */
export interface CheckInDue extends TeamRef {
  area: AreaRef;
  size: number;
  checkIn: TeamRow['checkIn'] & { freshness: 'late' | 'never' };
}

/** A team with objectives in the open cycle whose chain reaches no strategic theme. */
export interface OrphanObjectives extends TeamRef {
  area: AreaRef;
  objectives: { objectiveId: string; title: string }[];
}

export interface OverdueIntervention {
  interventionId: string;
  signalId: string;
  kind: string;
  dueOn: string;
  owner: { coachId: string; name: string | null };
  signal: { kind: string; severity: number; description: string };
  area: AreaRef;
  team: TeamRef | null;
}

export interface NewSignal {
  signalId: string;
  kind: string;
  severity: number;
  description: string;
  source: string;
  raisedOn: string;
  area: AreaRef;
  team: TeamRef | null;
  stakeholder: { stakeholderId: string; name: string } | null;
}

export interface QuietStakeholder {
  stakeholderId: string;
  name: string;
  role: string;
  influence: number;
  interest: number;
  attitude: string | null;
  lastEngagedOn: string | null;
  area: AreaRef;
}

export interface CoachWeek {
  coach: CoachSummary;
  today: string;
  /** The cycle whose check-ins are due; null when no cycle is open today. */
  cycleId: string | null;
  checkIns: CheckInDue[];
  orphans: OrphanObjectives[];
  interventions: OverdueIntervention[];
  signals: NewSignal[];
  stakeholders: QuietStakeholder[];
}

/** A page of the coaches, by name: at most `limit`, after the coach `after` (the first page without it). */
export interface CoachPaging {
  limit: number;
  after?: string;
}

export interface CoachesPage {
  coaches: CoachSummary[];
  /** Whether more coaches come after this page. */
  more: boolean;
}

export interface CoachWeekQueries {
  /** A page of the coaches, by name, with how many things need each of them today; null when `after` is no coach. */
  coaches(today: string, cycleId: string | null, paging: CoachPaging): CoachesPage | null;
  /** One coach's week; null for an unknown coach. */
  week(coachId: string, today: string, cycleId: string | null): CoachWeek | null;
}

/** The lists of one coach's needs. */
type Needs = Omit<CoachWeek, 'coach' | 'today' | 'cycleId'>;

/** `@coach` null means every coach. The UNION keeps each (coach, area) once, however it is reached. */
const SCOPE = `
  WITH RECURSIVE scope(coach_id, area_id) AS (
    SELECT coach_id, area_id FROM org_area_coaches WHERE @coach IS NULL OR coach_id = @coach
    UNION SELECT s.coach_id, a.area_id FROM scope s JOIN org_areas a ON a.parent_area_id = s.area_id
  )`;

/** Each overdue plan of an open signal once per coach it needs: its owner, and every coach of its area or an area above it. */
const overdueNeeded = `${SCOPE},
  overdue(intervention_id, area_id, owner_id) AS (
    SELECT intervention_id, area_id, owner_id FROM interventions WHERE status = 'planned' AND due_on < @today
  ),
  needed(coach_id, intervention_id) AS (
    SELECT owner_id, intervention_id FROM overdue WHERE @coach IS NULL OR owner_id = @coach
    UNION SELECT s.coach_id, o.intervention_id FROM overdue o JOIN scope s ON s.area_id = o.area_id
  )`;
// A resolved signal's plans can no longer be completed, so they need nobody.
const overdueFrom = `
  FROM needed n
  JOIN org_coaches c ON c.coach_id = n.coach_id
  JOIN interventions i ON i.intervention_id = n.intervention_id
  JOIN signals g ON g.signal_id = i.signal_id AND g.status <> 'resolved'
  JOIN org_areas a ON a.area_id = i.area_id`;
const newSignalsFrom = `
  FROM scope s
  JOIN signals g ON g.area_id = s.area_id AND g.raised_on > @since AND g.raised_on <= @today AND g.status = 'open'
  JOIN org_areas a ON a.area_id = g.area_id`;
const quietStakeholdersFrom = `
  FROM scope s
  CROSS JOIN stakeholders h ON h.area_id = s.area_id AND (h.last_engaged_on IS NULL OR h.last_engaged_on < @quietBefore)
  JOIN org_areas a ON a.area_id = h.area_id`;

const areaColumns = (alias: string) => `${alias}.area_id AS areaId, ${alias}.code AS areaCode, ${alias}.name AS areaName`;
const teamColumns = (alias: string) => `${alias}.team_id AS teamId, ${alias}.key AS teamKey, ${alias}.name AS teamName`;

interface AreaColumns {
  areaId: string;
  areaCode: string;
  areaName: string;
}
interface TeamColumns {
  teamId: string | null;
  teamKey: string | null;
  teamName: string | null;
}
type Params = [{ coach: string | null; today?: string; since?: string; quietBefore?: string; cycle?: string | null }];

const areaOf = (row: AreaColumns): AreaRef => ({ areaId: row.areaId, code: row.areaCode, name: row.areaName });
const teamOf = (row: TeamColumns): TeamRef | null =>
  row.teamId === null || row.teamKey === null || row.teamName === null
    ? null
    : { teamId: row.teamId, key: row.teamKey, name: row.teamName };

/**
 * Most urgent first: no check-in at all before late ones, then the longest since the last one,
 * then the furthest behind the cadence.
 */
function byCheckInUrgency(a: CheckInDue, b: CheckInDue): number {
  const since = (a.checkIn.lastHeldOn ?? '').localeCompare(b.checkIn.lastHeldOn ?? '');
  const behind = b.checkIn.expected - b.checkIn.held - (a.checkIn.expected - a.checkIn.held);
  return since || behind || a.key.localeCompare(b.key);
}

const isDue = (team: TeamRow): team is TeamRow & { checkIn: CheckInDue['checkIn'] } => team.checkIn.freshness !== 'fresh';

export class SqliteCoachWeekQueries implements CoachWeekQueries {
  private readonly sql;

  /** Check-in freshness comes from the heatmap queries, so both pages judge a team by one rule. */
  constructor(
    db: SqlDatabase,
    private readonly heatmap: Pick<HeatmapQueries, 'area' | 'heatmap'>,
  ) {
    for (const projection of [orgProjection, signalsProjection, stakeholdersProjection, objectivesProjection]) projection.setUp(db);
    this.sql = {
      coaches: db.prepare<
        [{ coach: string | null; after: string | null; limit: number }],
        { coachId: string; name: string; email: string } & { [K in keyof AreaColumns]: string | null }
      >(`
        WITH page AS (
          SELECT coach_id, name, email FROM org_coaches
          WHERE (@coach IS NULL OR coach_id = @coach)
            AND (@after IS NULL OR (name, coach_id) > (SELECT name, coach_id FROM org_coaches WHERE coach_id = @after))
          ORDER BY name, coach_id LIMIT @limit
        )
        SELECT c.coach_id AS coachId, c.name, c.email, ${areaColumns('a')}
        FROM page c
        LEFT JOIN org_area_coaches ac ON ac.coach_id = c.coach_id
        LEFT JOIN org_areas a ON a.area_id = ac.area_id
        ORDER BY c.name, c.coach_id, a.code, a.area_id`),
      coachExists: db.prepare<[string], { found: 1 }>('SELECT 1 AS found FROM org_coaches WHERE coach_id = ?'),
      scope: db.prepare<Params, { coachId: string; areaId: string }>(`${SCOPE} SELECT coach_id AS coachId, area_id AS areaId FROM scope`),
      orphans: db.prepare<Params, { coachId: string; objectiveId: string; title: string } & AreaColumns & TeamColumns>(`
        ${SCOPE}
        SELECT s.coach_id AS coachId, o.objective_id AS objectiveId, o.title, ${areaColumns('a')}, ${teamColumns('t')}
        FROM scope s
        CROSS JOIN org_teams t ON t.area_id = s.area_id
        CROSS JOIN strategy_objectives o ON o.team_id = t.team_id AND o.cycle_id = @cycle AND o.dropped = 0 AND o.reaching = 0
        JOIN org_areas a ON a.area_id = t.area_id
        ORDER BY t.key, t.team_id, o.title, o.objective_id`),
      interventions: db.prepare<
        Params,
        {
          coachId: string;
          interventionId: string;
          signalId: string;
          kind: string;
          dueOn: string;
          ownerId: string;
          ownerName: string | null;
          signalKind: string;
          severity: number;
          description: string;
        } & AreaColumns &
          TeamColumns
      >(`
        ${overdueNeeded}
        SELECT c.coach_id AS coachId, i.intervention_id AS interventionId, i.signal_id AS signalId, i.kind, i.due_on AS dueOn,
               i.owner_id AS ownerId, o.name AS ownerName, g.kind AS signalKind, g.severity, g.description,
               ${areaColumns('a')}, ${teamColumns('t')}
        ${overdueFrom}
        LEFT JOIN org_teams t ON t.team_id = g.team_id
        LEFT JOIN org_coaches o ON o.coach_id = i.owner_id
        ORDER BY i.due_on, g.severity DESC, i.intervention_id, c.coach_id`),
      signals: db.prepare<
        Params,
        {
          coachId: string;
          signalId: string;
          kind: string;
          severity: number;
          description: string;
          source: string;
          raisedOn: string;
          stakeholderId: string | null;
          stakeholderName: string | null;
        } & AreaColumns &
          TeamColumns
      >(`
        ${SCOPE}
        SELECT s.coach_id AS coachId, g.signal_id AS signalId, g.kind, g.severity, g.description, g.source, g.raised_on AS raisedOn,
               g.stakeholder_id AS stakeholderId, h.name AS stakeholderName, ${areaColumns('a')}, ${teamColumns('t')}
        ${newSignalsFrom}
        LEFT JOIN org_teams t ON t.team_id = g.team_id
        LEFT JOIN stakeholders h ON h.stakeholder_id = g.stakeholder_id
        ORDER BY g.severity DESC, g.raised_on DESC, g.signal_id`),
      stakeholders: db.prepare<
        Params,
        {
          coachId: string;
          stakeholderId: string;
          name: string;
          role: string;
          influence: number;
          interest: number;
          attitude: string | null;
          lastEngagedOn: string | null;
        } & AreaColumns
      >(`
        ${SCOPE}
        SELECT s.coach_id AS coachId, h.stakeholder_id AS stakeholderId, h.name, h.role, h.influence, h.interest, h.attitude,
               h.last_engaged_on AS lastEngagedOn, ${areaColumns('a')}
        ${quietStakeholdersFrom}
        ORDER BY h.influence DESC, h.interest DESC, coalesce(h.last_engaged_on, ''), h.name, h.stakeholder_id`),
      // The list of coaches shows only how many of each: the lists for every coach would repeat a row per coach of its area.
      // So each need is counted once per area, and a coach's count sums the areas in their scope.
      areaCounts: db.prepare<Params, { kind: Exclude<NeedKind, 'checkIns'>; areaId: string; count: number }>(`
        SELECT 'signals' AS kind, g.area_id AS areaId, count(*) AS count FROM signals g
        WHERE g.raised_on > @since AND g.raised_on <= @today AND g.status = 'open' GROUP BY g.area_id
        UNION ALL
        SELECT 'stakeholders', h.area_id, count(*) FROM stakeholders h
        WHERE h.last_engaged_on IS NULL OR h.last_engaged_on < @quietBefore GROUP BY h.area_id
        UNION ALL
        SELECT 'orphans', t.area_id, count(*) FROM org_teams t
        WHERE EXISTS (SELECT 1 FROM strategy_objectives o
                      WHERE o.team_id = t.team_id AND o.cycle_id = @cycle AND o.dropped = 0 AND o.reaching = 0)
        GROUP BY t.area_id
        UNION ALL
        SELECT 'interventions', i.area_id, count(*) FROM interventions i
        JOIN signals g ON g.signal_id = i.signal_id AND g.status <> 'resolved'
        WHERE i.status = 'planned' AND i.due_on < @today GROUP BY i.area_id`),
      // An owner needs their overdue plans in areas outside their scope too.
      ownedOverdue: db.prepare<Params, { coachId: string; areaId: string; count: number }>(`
        SELECT i.owner_id AS coachId, i.area_id AS areaId, count(*) AS count FROM interventions i
        JOIN signals g ON g.signal_id = i.signal_id AND g.status <> 'resolved'
        JOIN org_areas a ON a.area_id = i.area_id
        WHERE i.status = 'planned' AND i.due_on < @today GROUP BY i.owner_id, i.area_id`),
    };
  }

  coaches(today: string, cycleId: string | null, { limit, after }: CoachPaging): CoachesPage | null {
    if (after !== undefined && this.sql.coachExists.get(after) === undefined) return null;
    // One more than asked for says whether there is a next page.
    const summaries = this.summaries(null, { limit: limit + 1, after: after ?? null });
    const more = summaries.size > limit;
    if (more) summaries.delete([...summaries.keys()].at(-1)!);
    const params = { coach: null, today, since: addDays(today, -NEW_SIGNAL_DAYS), quietBefore: quietBefore(today), cycle: cycleId };
    const inArea = new Map<string, Record<NeedKind, number>>();
    const countsIn = (areaId: string) => {
      let counts = inArea.get(areaId);
      if (!counts) {
        counts = { checkIns: 0, orphans: 0, interventions: 0, signals: 0, stakeholders: 0 };
        inArea.set(areaId, counts);
      }
      return counts;
    };
    for (const { kind, areaId, count } of this.sql.areaCounts.all(params)) countsIn(areaId)[kind] = count;
    if (cycleId !== null) for (const [areaId, due] of this.dueCounts(cycleId, today)) countsIn(areaId).checkIns = due;
    // Only the page's coaches are summed: the scope lists every coach's.
    const scopes = new Map<string, Set<string>>();
    for (const { coachId, areaId } of this.sql.scope.all(params)) {
      const needs = summaries.get(coachId)?.needs;
      if (needs === undefined) continue;
      const counts = countsIn(areaId);
      for (const kind of needKinds) needs[kind] += counts[kind];
      scopes.set(coachId, (scopes.get(coachId) ?? new Set()).add(areaId));
    }
    for (const { coachId, areaId, count } of this.sql.ownedOverdue.all(params)) {
      const needs = summaries.get(coachId)?.needs;
      if (needs && !scopes.get(coachId)?.has(areaId)) needs.interventions += count;
    }
    return { coaches: [...summaries.values()], more };
  }

  week(coachId: string, today: string, cycleId: string | null): CoachWeek | null {
    const coach = this.summaries(coachId, { limit: 1, after: null }).get(coachId);
    if (coach === undefined) return null;
    const needs = this.needs(coachId, today, cycleId);
    for (const kind of needKinds) coach.needs[kind] = needs[kind].length;
    return { ...needs, coach, today, cycleId };
  }

  /** The coaches asked about (`null`: a page of them), by name, with their areas and no need counted yet. */
  private summaries(coach: string | null, page: { limit: number; after: string | null }): Map<string, CoachSummary> {
    const coaches = new Map<string, CoachSummary>();
    for (const row of this.sql.coaches.all({ coach, ...page })) {
      const summary = coaches.get(row.coachId) ?? {
        coachId: row.coachId,
        name: row.name,
        email: row.email,
        areas: [],
        needs: { checkIns: 0, orphans: 0, interventions: 0, signals: 0, stakeholders: 0 },
      };
      if (row.areaId !== null && row.areaCode !== null && row.areaName !== null)
        summary.areas.push({ areaId: row.areaId, code: row.areaCode, name: row.areaName });
      coaches.set(row.coachId, summary);
    }
    return coaches;
  }

  /** How many of each area's own teams are late or have no check-in: the heatmap counts an area's whole subtree, so its children's are taken off. */
  private dueCounts(cycleId: string, today: string): Map<string, number> {
    const areas = this.heatmap.heatmap(cycleId, today)?.areas ?? [];
    const dueIn = (area: AreaRow) => area.freshness.late + area.freshness.never;
    const due = new Map(areas.map((area) => [area.areaId, dueIn(area)]));
    for (const area of areas) {
      const parent = area.parentAreaId === null ? undefined : due.get(area.parentAreaId);
      if (parent !== undefined) due.set(area.parentAreaId!, parent - dueIn(area));
    }
    return due;
  }

  /** The teams directly in an area whose check-ins are late or missing (the heatmap's area lists only those; the scope lists every area below). */
  private dueIn(areaId: string, cycleId: string, today: string): CheckInDue[] {
    const detail = this.heatmap.area(areaId, cycleId, today);
    const area: AreaRef = { areaId, code: detail?.area.code ?? '', name: detail?.area.name ?? '' };
    return (detail?.teams ?? [])
      .filter(isDue)
      .map((t) => ({ teamId: t.teamId, key: t.key, name: t.name, size: t.size, area, checkIn: t.checkIn }));
  }

  /** Every need of one coach, each list in its order of urgency. */
  private needs(coach: string, today: string, cycleId: string | null): Needs {
    const needs: Needs = { checkIns: [], orphans: [], interventions: [], signals: [], stakeholders: [] };
    if (cycleId !== null) {
      for (const { areaId } of this.sql.scope.all({ coach })) needs.checkIns.push(...this.dueIn(areaId, cycleId, today));
      needs.checkIns.sort(byCheckInUrgency);
      for (const row of this.sql.orphans.all({ coach, cycle: cycleId })) {
        const last = needs.orphans.at(-1);
        const objective = { objectiveId: row.objectiveId, title: row.title };
        if (last?.teamId === row.teamId) last.objectives.push(objective);
        else needs.orphans.push({ ...teamOf(row)!, area: areaOf(row), objectives: [objective] });
      }
    }

    for (const row of this.sql.interventions.all({ coach, today })) {
      needs.interventions.push({
        interventionId: row.interventionId,
        signalId: row.signalId,
        kind: row.kind,
        dueOn: row.dueOn,
        owner: { coachId: row.ownerId, name: row.ownerName },
        signal: { kind: row.signalKind, severity: row.severity, description: row.description },
        area: areaOf(row),
        team: teamOf(row),
      });
    }

    for (const row of this.sql.signals.all({ coach, today, since: addDays(today, -NEW_SIGNAL_DAYS) })) {
      needs.signals.push({
        signalId: row.signalId,
        kind: row.kind,
        severity: row.severity,
        description: row.description,
        source: row.source,
        raisedOn: row.raisedOn,
        area: areaOf(row),
        team: teamOf(row),
        stakeholder:
          row.stakeholderId === null ? null : { stakeholderId: row.stakeholderId, name: row.stakeholderName ?? row.stakeholderId },
      });
    }

    for (const row of this.sql.stakeholders.all({ coach, quietBefore: quietBefore(today) })) {
      const { stakeholderId, name, role, influence, interest, attitude, lastEngagedOn } = row;
      needs.stakeholders.push({ stakeholderId, name, role, influence, interest, attitude, lastEngagedOn, area: areaOf(row) });
    }
    return needs;
  }
}
