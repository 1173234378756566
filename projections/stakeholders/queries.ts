import type { Actor } from '../../src/shared/event.ts';
import type { SqlDatabase, SqlStatement } from '../../src/shared/sql.ts';
import { AdkarStage, Attitude } from '../../src/stakeholder/events.ts';
import { adkarStep, attitudeStep } from '../../src/stakeholder/model.ts';
import { orgProjection } from '../org.ts';
import { stakeholdersProjection, type HistoryAspect } from '../stakeholders.ts';

/** An attitude or ADKAR stage filter may also ask for stakeholders not assessed yet. */
export const UNASSESSED = 'unassessed';

export const stakeholderSorts = ['influence', 'interest', 'name', 'engagement'] as const;
export type StakeholderSort = (typeof stakeholderSorts)[number];

export interface StakeholderFilter {
  /** The area and every area below it. */
  areaId?: string | undefined;
  /** An attitude, or `unassessed`. */
  attitude?: string | undefined;
  /** An ADKAR stage, or `unassessed`. */
  adkarStage?: string | undefined;
  /** Only those last engaged on or before this date, or never. */
  notEngagedSince?: string | undefined;
  /** Text found in the name or the role, ignoring case (of ASCII letters, as SQLite's LIKE does). */
  search?: string | undefined;
  sort?: StakeholderSort | undefined;
}

/**
 * One page of a list by keyset: at most `limit` rows, the first ones, those right after one
 * stakeholder in the list's order, or those right before one (still in the list's order).
 */
export interface Paging {
  limit: number;
  after?: string | undefined;
  before?: string | undefined;
}

export interface StakeholderCounts {
  /** Everyone matching the filter. */
  total: number;
  /** Of those, the ones last engaged before the given date, or never. */
  quiet: number;
}

export interface StakeholderRow {
  stakeholderId: string;
  name: string;
  role: string;
  areaId: string;
  /** `Engineering › Platform`: where the area sits in the tree. */
  areaPath: string;
  influence: number;
  interest: number;
  attitude: string | null;
  adkarStage: string | null;
  /** The attitude a coach works towards; null until set. */
  desiredAttitude: string | null;
  lastEngagedOn: string | null;
  engagements: number;
}

/** A stakeholder on the grid, with how many match in their cell (influence, interest). */
export type GridRow = StakeholderRow & { inCell: number };

/** One logged engagement. */
export interface EngagementRow {
  engagementId: string;
  kind: string;
  occurredOn: string;
  sentiment: number;
  note: string | null;
  coachId: string;
  /** The coach's name, or their id while the organisation read model does not know them. */
  coach: string;
}

/** Where a stakeholder stood: on the grid, their attitude and ADKAR stage (null: not assessed), and the attitude aimed at. */
export interface Standing {
  influence: number;
  interest: number;
  attitude: string | null;
  adkarStage: string | null;
  desiredAttitude: string | null;
}

/** A stakeholder whose place on the grid changed since a day: where they stood at its end and where they stand now. */
export interface GridMove {
  stakeholderId: string;
  name: string;
  attitude: string | null;
  was: { influence: number; interest: number };
  now: { influence: number; interest: number };
}

/** A stakeholder whose attitude or ADKAR stage changed in a period: each at its start and at its end (null: not assessed then). */
export interface StandingMove {
  stakeholderId: string;
  name: string;
  role: string;
  areaId: string;
  attitude: { from: string | null; to: string | null };
  adkarStage: { from: string | null; to: string | null };
  /** The first and last day in the period their attitude or stage was assessed. */
  firstOn: string;
  lastOn: string;
}

/** A stakeholder's engagements as relationship health reads them: their last day, and how many and what sentiment since a day. */
export interface EngagedRow {
  stakeholderId: string;
  lastEngagedOn: string | null;
  inLookback: number;
  sentimentSum: number;
}

/** One identification, re-mapping or assessment: where the stakeholder stood before it (null for the first) and after. */
export interface HistoryRow {
  aspect: HistoryAspect;
  role: string;
  before: Standing | null;
  after: Standing;
  note: string | null;
  occurredAt: string;
  actor: Actor;
}

export interface AreaChoice {
  areaId: string;
  name: string;
  path: string;
  depth: number;
}

export interface CoachChoice {
  coachId: string;
  name: string;
  /** Coaches assigned to this area, when the caller named one. */
  inArea: boolean;
}

export interface StakeholderQueries {
  /** Everyone matching, or one page of them. */
  list(filter: StakeholderFilter, paging?: Paging): StakeholderRow[];
  /** How many of those matching come before this stakeholder in the list's order. */
  position(filter: StakeholderFilter, stakeholderId: string): number;
  /** Those matching on the influence × interest grid: in each cell the first `perCell` by name, each with how many the cell holds. */
  grid(filter: StakeholderFilter, perCell: number): GridRow[];
  /** How many match, and how many of them were last engaged before `quietBefore` (or never), without reading them. */
  count(filter: StakeholderFilter, quietBefore: string): StakeholderCounts;
  stakeholder(stakeholderId: string): StakeholderRow | null;
  /** Their engagements, newest first by the day they happened, then by when they were logged. */
  engagements(stakeholderId: string): EngagementRow[];
  /** Their identification, re-mappings and assessments, newest first. */
  history(stakeholderId: string): HistoryRow[];
  /**
   * Those matching whose influence or interest was re-mapped from `since` on and who stand elsewhere
   * now than at the end of the day before: at most `limit`, the longest moves first.
   */
  gridMoves(filter: StakeholderFilter, since: string, limit: number): GridMove[];
  /**
   * The `limit` biggest moves between two calendar dates (both included), in an area and those
   * below it or anywhere: stakeholders whose attitude or ADKAR stage was assessed in the period,
   * from where they stood before `from` to where they stood after `to`, sized as `moveOf` sizes
   * them; those back where they started (or first assessed in the period) left out. The biggest
   * first, then the latest, then by name.
   */
  biggestMovesBetween(from: string, to: string, limit: number, areaId?: string): StandingMove[];
  /** Their engagements between two calendar dates, both included, newest first. */
  engagementsBetween(stakeholderId: string, from: string, to: string): EngagementRow[];
  /**
   * For each stakeholder, their last engagement's day and their engagements from their own
   * `since` to `until` (both included) counted, with their sentiments summed: what relationship
   * health is scored from, without reading the engagements.
   */
  engagedSince(since: readonly { stakeholderId: string; since: string }[], until: string): EngagedRow[];
  /** Every area in tree order, each with its path. */
  areas(): AreaChoice[];
  /** Every coach; those assigned to `areaId` first. */
  coaches(areaId?: string): CoachChoice[];
  hasAny(): boolean;
}

/** Areas with their depth and path, walked from the top; `char(0)` keeps siblings ordered by name in the sort key. */
const areaTree = `
  tree(area_id, name, depth, path, sort_key) AS (
    SELECT area_id, name, 0, name, name || char(0) FROM org_areas WHERE parent_area_id IS NULL
    UNION ALL
    SELECT a.area_id, a.name, tree.depth + 1, tree.path || ' › ' || a.name, tree.sort_key || a.name || char(0)
    FROM org_areas a JOIN tree ON a.parent_area_id = tree.area_id
  )`;

const rowColumns = `
  s.stakeholder_id AS stakeholderId, s.name, s.role, s.area_id AS areaId, coalesce(tree.path, s.area_id) AS areaPath,
  s.influence, s.interest, s.attitude, s.adkar_stage AS adkarStage, s.desired_attitude AS desiredAttitude,
  s.last_engaged_on AS lastEngagedOn, s.engagements`;

/**
 * Each order's terms, of the stakeholder `a`: the list sorts by them and pages by comparing them
 * (keyset), a descending number negated. Ties fall back to the name, then the id, so the order is
 * total. By influence, the order is the grid index's.
 */
const sortTerms: Record<StakeholderSort, (a: string) => { term: string; descending?: true }[]> = {
  influence: (a) => [
    { term: `${a}.influence`, descending: true },
    { term: `${a}.interest`, descending: true },
    { term: `${a}.name` },
    { term: `${a}.stakeholder_id` },
  ],
  interest: (a) => [
    { term: `${a}.interest`, descending: true },
    { term: `${a}.influence`, descending: true },
    { term: `${a}.name` },
    { term: `${a}.stakeholder_id` },
  ],
  name: (a) => [{ term: `${a}.name` }, { term: `${a}.stakeholder_id` }],
  // Longest without an engagement first; never engaged ('') before anyone.
  engagement: (a) => [
    { term: `coalesce(${a}.last_engaged_on, '')` },
    { term: `${a}.influence`, descending: true },
    { term: `${a}.name` },
    { term: `${a}.stakeholder_id` },
  ],
};
const orderOf = (sort: StakeholderSort, reversed: boolean) =>
  sortTerms[sort]('s')
    .map(({ term, descending }) => `${term} ${(descending === true) !== reversed ? 'DESC' : 'ASC'}`)
    .join(', ');
const keyOf = (sort: StakeholderSort, a: string) =>
  sortTerms[sort](a)
    .map(({ term, descending }) => (descending ? `-${term}` : term))
    .join(', ');
/** The order's key of `s` against that of the stakeholder `@at`. */
const beyond = (sort: StakeholderSort, comparison: '<' | '>') =>
  `(${keyOf(sort, 's')}) ${comparison} (SELECT ${keyOf(sort, 'c')} FROM stakeholders c WHERE c.stakeholder_id = @at)`;

interface FlatHistoryRow extends Standing {
  aspect: HistoryAspect;
  role: string;
  note: string | null;
  occurredAt: string;
  actorKind: Actor['kind'];
  actorId: string;
  wasInfluence: number | null;
  wasInterest: number | null;
  wasAttitude: string | null;
  wasAdkarStage: string | null;
  wasDesiredAttitude: string | null;
}

interface FlatGridMove {
  stakeholderId: string;
  name: string;
  attitude: string | null;
  influence: number;
  interest: number;
  wasInfluence: number;
  wasInterest: number;
}

interface FlatStandingMove {
  stakeholderId: string;
  name: string;
  role: string;
  areaId: string;
  firstOn: string;
  lastOn: string;
  attitudeFrom: string | null;
  adkarFrom: string | null;
  attitudeTo: string | null;
  adkarTo: string | null;
}

interface FilterParams {
  area: string | null;
  attitude: string | null;
  adkar: string | null;
  since: string | null;
  search: string | null;
}

interface ListParams extends FilterParams {
  /** -1: no limit. */
  limit: number;
  /** The stakeholder the page starts after (or ends before); null for the first page. */
  at: string | null;
}

interface SortStatements {
  after: SqlStatement<[ListParams], StakeholderRow>;
  before: SqlStatement<[ListParams], StakeholderRow>;
  position: SqlStatement<[FilterParams & { at: string }], { n: number }>;
}

/** The area tree, and the area filter's area with every area below it. */
const filterTables = `
  WITH RECURSIVE ${areaTree},
  subtree(area_id) AS (
    SELECT @area WHERE @area IS NOT NULL
    UNION SELECT a.area_id FROM org_areas a JOIN subtree ON a.parent_area_id = subtree.area_id
  )`;
/** Whether the stakeholder `alias` matches the filter parameters. */
const matches = (alias: string) => `
  (@area IS NULL OR ${alias}.area_id IN (SELECT area_id FROM subtree))
  AND (@attitude IS NULL OR coalesce(${alias}.attitude, '${UNASSESSED}') = @attitude)
  AND (@adkar IS NULL OR coalesce(${alias}.adkar_stage, '${UNASSESSED}') = @adkar)
  AND (@since IS NULL OR ${alias}.last_engaged_on IS NULL OR ${alias}.last_engaged_on <= @since)
  AND (@search IS NULL OR ${alias}.name LIKE @search ESCAPE '\\' OR ${alias}.role LIKE @search ESCAPE '\\')`;
/** The stakeholders `s` matching the filter parameters; with their area paths (`tree`) when the columns show them. */
const select = (columns: string, paths: 'with paths' | 'no paths' = 'with paths') =>
  `${filterTables} SELECT ${columns} FROM stakeholders s ${paths === 'with paths' ? 'LEFT JOIN tree ON tree.area_id = s.area_id' : ''} WHERE ${matches('s')}`;

/** A column of the `@perCell`th stakeholder matching in the grid cell `c`, by name. */
const lastInCell = (column: string) => `
  (SELECT m.${column} FROM stakeholders m WHERE m.influence = c.influence AND m.interest = c.interest AND ${matches('m')}
   ORDER BY m.name, m.stakeholder_id LIMIT 1 OFFSET @perCell - 1)`;

/**
 * A value's step on its scale as `src/stakeholder/model.ts` counts it (`attitudeStep`, `adkarStep`),
 * written out as a CASE so SQL sizes a move as `moveOf` does; NULL when not assessed.
 */
const stepOf = <T extends string>(column: string, options: readonly T[], step: (value: T) => number) =>
  `(CASE ${column} ${options.map((value) => `WHEN '${value}' THEN ${step(value)}`).join(' ')} END)`;

/** `%text%` for LIKE, with LIKE's own wildcards in the text taken literally. */
const containing = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const filterParams = (filter: StakeholderFilter): FilterParams => ({
  area: filter.areaId ?? null,
  attitude: filter.attitude ?? null,
  adkar: filter.adkarStage ?? null,
  since: filter.notEngagedSince ?? null,
  search: filter.search === undefined || filter.search === '' ? null : containing(filter.search),
});

/**
 * The stakeholders read side: the `stakeholders` table with each stakeholder's area path, and
 * the areas and coaches the stakeholder forms offer. One statement per sort order; every filter
 * is a parameter that is either set or NULL.
 */
export class SqliteStakeholderQueries implements StakeholderQueries {
  private readonly sql;
  private readonly lists: Record<StakeholderSort, SortStatements>;

  constructor(db: SqlDatabase) {
    for (const projection of [orgProjection, stakeholdersProjection]) projection.setUp(db);
    const list = (sort: StakeholderSort): SortStatements => ({
      after: db.prepare(`${select(rowColumns)} AND (@at IS NULL OR ${beyond(sort, '>')}) ORDER BY ${orderOf(sort, false)} LIMIT @limit`),
      before: db.prepare(`${select(rowColumns)} AND ${beyond(sort, '<')} ORDER BY ${orderOf(sort, true)} LIMIT @limit`),
      position: db.prepare(`${select('count(*) AS n', 'no paths')} AND ${beyond(sort, '<')}`),
    });
    this.lists = { influence: list('influence'), interest: list('interest'), name: list('name'), engagement: list('engagement') };
    this.sql = {
      // Each cell counted by GROUP BY; its chips, the first `perCell` by name, read by the grid index up to the
      // last of them, found per cell: no window over everyone.
      grid: db.prepare<[FilterParams & { perCell: number }], GridRow>(`
        ${filterTables},
        cells AS MATERIALIZED (
          SELECT c.*, ${lastInCell('name')} AS lastName, ${lastInCell('stakeholder_id')} AS lastId
          FROM (SELECT s.influence, s.interest, count(*) AS inCell FROM stakeholders s WHERE ${matches('s')} GROUP BY s.influence, s.interest) c
        )
        SELECT ${rowColumns}, cells.inCell
        FROM cells CROSS JOIN stakeholders s ON s.influence = cells.influence AND s.interest = cells.interest
          AND (cells.inCell <= @perCell OR (s.name, s.stakeholder_id) <= (cells.lastName, cells.lastId))
        LEFT JOIN tree ON tree.area_id = s.area_id
        WHERE ${matches('s')}
        ORDER BY s.influence DESC, s.interest, s.name, s.stakeholder_id`),
      count: db.prepare<[FilterParams & { quietBefore: string }], StakeholderCounts>(
        select('count(*) AS total, coalesce(sum(s.last_engaged_on IS NULL OR s.last_engaged_on < @quietBefore), 0) AS quiet', 'no paths'),
      ),
      one: db.prepare<[string], StakeholderRow>(`
        WITH RECURSIVE ${areaTree}
        SELECT ${rowColumns} FROM stakeholders s LEFT JOIN tree ON tree.area_id = s.area_id WHERE s.stakeholder_id = ?`),
      areas: db.prepare<[], AreaChoice>(
        `WITH RECURSIVE ${areaTree} SELECT area_id AS areaId, name, path, depth FROM tree ORDER BY sort_key`,
      ),
      coaches: db.prepare<[string | null], Omit<CoachChoice, 'inArea'> & { inArea: 0 | 1 }>(`
        SELECT c.coach_id AS coachId, c.name, (ac.coach_id IS NOT NULL) AS inArea
        FROM org_coaches c LEFT JOIN org_area_coaches ac ON ac.coach_id = c.coach_id AND ac.area_id = ?
        ORDER BY inArea DESC, c.name, c.coach_id`),
      engagements: db.prepare<[string], EngagementRow>(`
        SELECT e.engagement_id AS engagementId, e.kind, e.occurred_on AS occurredOn, e.sentiment, e.note, e.coach_id AS coachId, coalesce(c.name, e.coach_id) AS coach
        FROM stakeholder_engagements e LEFT JOIN org_coaches c ON c.coach_id = e.coach_id
        WHERE e.stakeholder_id = ? ORDER BY e.occurred_on DESC, e.revision DESC`),
      history: db.prepare<[string], FlatHistoryRow>(`
        SELECT h.aspect, s.role, h.note, h.occurred_at AS occurredAt, h.actor_kind AS actorKind, h.actor_id AS actorId,
          h.influence, h.interest, h.attitude, h.adkar_stage AS adkarStage, h.desired_attitude AS desiredAttitude,
          lag(h.influence) OVER w AS wasInfluence, lag(h.interest) OVER w AS wasInterest,
          lag(h.attitude) OVER w AS wasAttitude, lag(h.adkar_stage) OVER w AS wasAdkarStage,
          lag(h.desired_attitude) OVER w AS wasDesiredAttitude
        FROM stakeholder_history h JOIN stakeholders s ON s.stakeholder_id = h.stakeholder_id
        WHERE h.stakeholder_id = ?
        WINDOW w AS (ORDER BY h.revision)
        ORDER BY h.revision DESC`),
      // Only those re-mapped since the day (a small set, by the history's time index) are looked back on.
      gridMoves: db.prepare<[FilterParams & { movedSince: string; limit: number }], FlatGridMove>(`
        SELECT * FROM (
          SELECT m.*, w.influence AS wasInfluence, w.interest AS wasInterest
          FROM (${select(`s.stakeholder_id AS stakeholderId, s.name, s.attitude, s.influence, s.interest`, 'no paths')}
            AND s.stakeholder_id IN (SELECT stakeholder_id FROM stakeholder_history WHERE occurred_at >= @movedSince AND aspect = 'mapping')) m
          JOIN stakeholder_history w ON w.stakeholder_id = m.stakeholderId AND w.revision = (
            SELECT p.revision FROM stakeholder_history p WHERE p.stakeholder_id = m.stakeholderId AND p.occurred_at < @movedSince
            ORDER BY p.occurred_at DESC, p.revision DESC LIMIT 1)
        ) WHERE wasInfluence <> influence OR wasInterest <> interest
        ORDER BY abs(influence - wasInfluence) + abs(interest - wasInterest) DESC, name, stakeholderId
        LIMIT @limit`),
      // Ranked here, so only the moves shown leave SQLite (a month at 1M events assesses ~1,600 stakeholders).
      moves: db.prepare<[{ from: string; to: string; area: string | null; limit: number }], FlatStandingMove>(`
        WITH RECURSIVE subtree(area_id) AS (
          SELECT @area WHERE @area IS NOT NULL
          UNION SELECT a.area_id FROM org_areas a JOIN subtree ON a.parent_area_id = subtree.area_id
        ),
        assessed AS (
          SELECT stakeholder_id, min(occurred_at) AS firstAt, max(occurred_at) AS lastAt FROM stakeholder_history
          WHERE occurred_at >= @from AND occurred_at < date(@to, '+1 day') AND aspect IN ('attitude', 'adkar')
          GROUP BY stakeholder_id
        )
        SELECT * FROM (
        SELECT s.stakeholder_id AS stakeholderId, s.name, s.role, s.area_id AS areaId,
          substr(a.firstAt, 1, 10) AS firstOn, substr(a.lastAt, 1, 10) AS lastOn,
          b.attitude AS attitudeFrom, b.adkar_stage AS adkarFrom, e.attitude AS attitudeTo, e.adkar_stage AS adkarTo,
          max(
            abs(coalesce(${stepOf('e.attitude', Attitude.options, attitudeStep)} - ${stepOf('b.attitude', Attitude.options, attitudeStep)}, 0)),
            abs(coalesce(${stepOf('e.adkar_stage', AdkarStage.options, adkarStep)} - ${stepOf('b.adkar_stage', AdkarStage.options, adkarStep)}, 0))
          ) AS size
        FROM assessed a JOIN stakeholders s ON s.stakeholder_id = a.stakeholder_id
        LEFT JOIN stakeholder_history b ON b.stakeholder_id = a.stakeholder_id AND b.revision = (
          SELECT p.revision FROM stakeholder_history p WHERE p.stakeholder_id = a.stakeholder_id AND p.occurred_at < @from
          ORDER BY p.occurred_at DESC, p.revision DESC LIMIT 1)
        JOIN stakeholder_history e ON e.stakeholder_id = a.stakeholder_id AND e.revision = (
          SELECT p.revision FROM stakeholder_history p WHERE p.stakeholder_id = a.stakeholder_id AND p.occurred_at < date(@to, '+1 day')
          ORDER BY p.occurred_at DESC, p.revision DESC LIMIT 1)
        WHERE @area IS NULL OR s.area_id IN (SELECT area_id FROM subtree)
        ) WHERE size > 0
        ORDER BY size DESC, lastOn DESC, name, stakeholderId
        LIMIT @limit`),
      engagementsBetween: db.prepare<[string, string, string], EngagementRow>(`
        SELECT e.engagement_id AS engagementId, e.kind, e.occurred_on AS occurredOn, e.sentiment, e.note, e.coach_id AS coachId, coalesce(c.name, e.coach_id) AS coach
        FROM stakeholder_engagements e LEFT JOIN org_coaches c ON c.coach_id = e.coach_id
        WHERE e.stakeholder_id = ? AND e.occurred_on BETWEEN ? AND ? ORDER BY e.occurred_on DESC, e.revision DESC`),
      engagedSince: db.prepare<[string, string], EngagedRow>(`
        SELECT s.stakeholder_id AS stakeholderId, s.last_engaged_on AS lastEngagedOn,
          count(e.engagement_id) AS inLookback, coalesce(sum(e.sentiment), 0) AS sentimentSum
        FROM json_each(?) j
        JOIN stakeholders s ON s.stakeholder_id = j.key
        LEFT JOIN stakeholder_engagements e ON e.stakeholder_id = s.stakeholder_id
          AND e.occurred_on BETWEEN j.value AND ?
        GROUP BY s.stakeholder_id`),
      any: db.prepare<[], { found: 1 }>('SELECT 1 AS found FROM stakeholders LIMIT 1'),
    };
  }

  list(filter: StakeholderFilter, paging?: Paging): StakeholderRow[] {
    const statements = this.lists[filter.sort ?? 'influence'];
    const params = { ...filterParams(filter), limit: paging?.limit ?? -1 };
    if (paging?.before !== undefined) return statements.before.all({ ...params, at: paging.before }).reverse();
    return statements.after.all({ ...params, at: paging?.after ?? null });
  }

  position(filter: StakeholderFilter, stakeholderId: string): number {
    return this.lists[filter.sort ?? 'influence'].position.get({ ...filterParams(filter), at: stakeholderId })?.n ?? 0;
  }

  grid(filter: StakeholderFilter, perCell: number): GridRow[] {
    return this.sql.grid.all({ ...filterParams(filter), perCell });
  }

  count(filter: StakeholderFilter, quietBefore: string): StakeholderCounts {
    return this.sql.count.get({ ...filterParams(filter), quietBefore }) ?? { total: 0, quiet: 0 };
  }

  stakeholder(stakeholderId: string): StakeholderRow | null {
    return this.sql.one.get(stakeholderId) ?? null;
  }

  engagements(stakeholderId: string): EngagementRow[] {
    return this.sql.engagements.all(stakeholderId);
  }

  history(stakeholderId: string): HistoryRow[] {
    return this.sql.history.all(stakeholderId).map((h) => ({
      aspect: h.aspect,
      role: h.role,
      // Influence is never null, so only the first entry has no previous one.
      before:
        h.wasInfluence === null || h.wasInterest === null
          ? null
          : {
              influence: h.wasInfluence,
              interest: h.wasInterest,
              attitude: h.wasAttitude,
              adkarStage: h.wasAdkarStage,
              desiredAttitude: h.wasDesiredAttitude,
            },
      after: {
        influence: h.influence,
        interest: h.interest,
        attitude: h.attitude,
        adkarStage: h.adkarStage,
        desiredAttitude: h.desiredAttitude,
      },
      note: h.note,
      occurredAt: h.occurredAt,
      actor: { kind: h.actorKind, id: h.actorId },
    }));
  }

  gridMoves(filter: StakeholderFilter, since: string, limit: number): GridMove[] {
    return this.sql.gridMoves.all({ ...filterParams(filter), movedSince: since, limit }).map((m) => ({
      stakeholderId: m.stakeholderId,
      name: m.name,
      attitude: m.attitude,
      was: { influence: m.wasInfluence, interest: m.wasInterest },
      now: { influence: m.influence, interest: m.interest },
    }));
  }

  biggestMovesBetween(from: string, to: string, limit: number, areaId?: string): StandingMove[] {
    return this.sql.moves.all({ from, to, area: areaId ?? null, limit }).map((m) => ({
      stakeholderId: m.stakeholderId,
      name: m.name,
      role: m.role,
      areaId: m.areaId,
      attitude: { from: m.attitudeFrom, to: m.attitudeTo },
      adkarStage: { from: m.adkarFrom, to: m.adkarTo },
      firstOn: m.firstOn,
      lastOn: m.lastOn,
    }));
  }

  engagementsBetween(stakeholderId: string, from: string, to: string): EngagementRow[] {
    return this.sql.engagementsBetween.all(stakeholderId, from, to);
  }

  engagedSince(since: readonly { stakeholderId: string; since: string }[], until: string): EngagedRow[] {
    // One object of stakeholder → day: json_each hands each key and day over without parsing an object per row.
    const days = JSON.stringify(Object.fromEntries(since.map((s) => [s.stakeholderId, s.since])));
    return since.length === 0 ? [] : this.sql.engagedSince.all(days, until);
  }

  areas(): AreaChoice[] {
    return this.sql.areas.all();
  }

  coaches(areaId?: string): CoachChoice[] {
    return this.sql.coaches.all(areaId ?? null).map((c) => ({ ...c, inArea: c.inArea === 1 }));
  }

  hasAny(): boolean {
    return this.sql.any.get() !== undefined;
  }
}
