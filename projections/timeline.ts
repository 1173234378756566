import { catalogue, type UptakeEvent, type UptakeEventType } from '../src/events.ts';
import type { Actor } from '../src/shared/event.ts';
import type { SqlDatabase, SqlStatement } from '../src/shared/sql.ts';
import { streamName } from '../src/shared/streams.ts';
import { orgProjection } from './org.ts';
import { stakeholdersProjection } from './stakeholders.ts';
import { defineProjection } from './support.ts';

// ---------------------------------------------------------------------------------------------
// The read model: one row per event
// ---------------------------------------------------------------------------------------------

export const timelineEventTypes = [...catalogue.keys()].sort() as UptakeEventType[];

type IdField = 'areaId' | 'teamId' | 'stakeholderId' | 'signalId' | 'cycleId';

/** Every event names what it concerns with these fields (DESIGN's names); a missing or odd value is null. */
function idIn(data: unknown, field: IdField): string | null {
  const value = (data as Partial<Record<IdField, unknown>> | null)?.[field];
  return typeof value === 'string' ? value : null;
}

/**
 * The thing an event happens to, whose area (team, stakeholder) or area, team and stakeholder
 * (signal) the timeline remembers, so a check-in or an intervention is found by its area too.
 * Named like its stream; null for events that carry what they concern themselves.
 */
function subjectOf(teamId: string | null, stakeholderId: string | null, signalId: string | null): string | null {
  if (signalId !== null) return streamName('signal', signalId);
  if (teamId !== null) return streamName('team', teamId);
  if (stakeholderId !== null) return streamName('stakeholder', stakeholderId);
  return null;
}

/** Events that place a subject (or move it): later events about it inherit where it was then. */
const placing = new Set<string>(['TeamRegistered', 'TeamMoved', 'StakeholderIdentified', 'ResistanceSignalRaised']);

/** Where a subject is: the area, team and stakeholder its events are filed under. */
interface Placement {
  area_id: string | null;
  team_id: string | null;
  stakeholder_id: string | null;
}

/**
 * Most events are key-result progress sent by integrations. The type and actor indexes leave
 * them out: every index entry is written once per event during a rebuild, and a page of the
 * commonest value is found by walking the table newest first anyway, as most rows have it. A
 * query for another value repeats the index's condition, so SQLite knows it may use the index.
 */
const commonest = { type: 'KeyResultProgressReported', actorKind: 'integration' } as const satisfies {
  type: UptakeEventType;
  actorKind: Actor['kind'];
};
const uncommon = { type: `type <> '${commonest.type}'`, actorKind: `actor_kind <> '${commonest.actorKind}'` };

/** A timeline_events row's values in its column order. */
type EventValues = [
  position: bigint,
  event_id: string,
  type: string,
  stream_id: string,
  occurred_at: string,
  recorded_at: string,
  actor_kind: string,
  actor_id: string,
  source: string,
  area_id: string | null,
  team_id: string | null,
  stakeholder_id: string | null,
  signal_id: string | null,
  cycle_id: string | null,
  data: string,
];

/**
 * Every event, newest first, for the timeline / audit page: who (actor), what (its type and
 * data, put in words when read, so rewording needs no rebuild), when (business time and recorded time), from where (source), and the area,
 * team, stakeholder, signal and cycle it concerns. An event about a team, stakeholder or signal
 * is filed under the area it was in when the event happened (a team that moves later keeps its
 * history where it was made).
 */
export const timelineProjection = defineProjection({
  name: 'timeline',
  // 2: the type and actor indexes leave out the commonest value; 3: the event's data instead of its wording
  version: 3,
  reads: timelineEventTypes,
  tables: ['timeline_events', 'timeline_subjects'],
  schema: `
    CREATE TABLE IF NOT EXISTS timeline_events (
      -- the store's global position: the row id, so newest first is a backwards walk of the table
      position       INTEGER PRIMARY KEY,
      event_id       TEXT NOT NULL,
      type           TEXT NOT NULL,
      stream_id      TEXT NOT NULL,
      occurred_at    TEXT NOT NULL,
      recorded_at    TEXT NOT NULL,
      actor_kind     TEXT NOT NULL,
      actor_id       TEXT NOT NULL,
      source         TEXT NOT NULL,
      area_id        TEXT,
      team_id        TEXT,
      stakeholder_id TEXT,
      signal_id      TEXT,
      cycle_id       TEXT,
      -- the event's data as JSON, described when read
      data           TEXT NOT NULL
    );
    -- one per filter; each entry ends with the row id (position), so a filter's rows come newest first
    CREATE INDEX IF NOT EXISTS timeline_events_area ON timeline_events (area_id) WHERE area_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS timeline_events_team ON timeline_events (team_id) WHERE team_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS timeline_events_stakeholder ON timeline_events (stakeholder_id) WHERE stakeholder_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS timeline_events_type ON timeline_events (type) WHERE ${uncommon.type};
    CREATE INDEX IF NOT EXISTS timeline_events_actor ON timeline_events (actor_kind) WHERE ${uncommon.actorKind};
    -- where each team, stakeholder and signal is (this projection does not read another's tables)
    CREATE TABLE IF NOT EXISTS timeline_subjects (
      subject        TEXT PRIMARY KEY,
      area_id        TEXT,
      team_id        TEXT,
      stakeholder_id TEXT
    );
  `,
  prepare: (db: SqlDatabase) => ({
    // A subject keeps the team and stakeholder it was placed with; a move changes its area only.
    place: db.prepare<[string, string | null, string | null, string | null], Placement>(`
      INSERT INTO timeline_subjects (subject, area_id, team_id, stakeholder_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (subject) DO UPDATE SET area_id = excluded.area_id
      RETURNING area_id, team_id, stakeholder_id`),
    placement: db.prepare<[string], Placement>('SELECT area_id, team_id, stakeholder_id FROM timeline_subjects WHERE subject = ?'),
    // Positional parameters: binding by name costs a lookup per column per row.
    insert: db.prepare<EventValues>(`
      INSERT INTO timeline_events (position, event_id, type, stream_id, occurred_at, recorded_at, actor_kind, actor_id, source,
        area_id, team_id, stakeholder_id, signal_id, cycle_id, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    /** Placements read or written during this fold (null: never placed), saving a query per event. */
    placements: new Map<string, Placement | null>(),
  }),
  beginFold({ placements }) {
    placements.clear();
  },
  handle(sql, event) {
    const { data, metadata } = event;
    const areaId = idIn(data, 'areaId');
    const teamId = idIn(data, 'teamId');
    const stakeholderId = idIn(data, 'stakeholderId');
    const signalId = idIn(data, 'signalId');
    const subject = subjectOf(teamId, stakeholderId, signalId);
    let placed: Placement | null = null;
    if (subject !== null) {
      const known = sql.placements.get(subject);
      if (placing.has(event.type)) placed = sql.place.get(subject, areaId, teamId, stakeholderId) ?? null;
      else placed = known !== undefined ? known : (sql.placement.get(subject) ?? null);
      sql.placements.set(subject, placed);
    }
    sql.insert.run(
      event.position,
      metadata.eventId,
      event.type,
      event.streamId,
      metadata.occurredAt,
      metadata.recordedAt,
      metadata.actor.kind,
      metadata.actor.id,
      metadata.source,
      areaId ?? placed?.area_id ?? null,
      teamId ?? placed?.team_id ?? null,
      stakeholderId ?? placed?.stakeholder_id ?? null,
      signalId,
      idIn(data, 'cycleId'),
      JSON.stringify(data),
    );
    return undefined;
  },
});

// ---------------------------------------------------------------------------------------------
// The read side: a page of the timeline, filtered
// ---------------------------------------------------------------------------------------------

export interface TimelineFilter {
  /** The area and every area below it. */
  areaId?: string | undefined;
  teamId?: string | undefined;
  stakeholderId?: string | undefined;
  type?: UptakeEventType | undefined;
  actorKind?: Actor['kind'] | undefined;
  /** Keyset pagination: only events strictly before this position. */
  before?: bigint | undefined;
}

export interface TimelineEntry {
  /** Decimal text: positions are 64-bit. */
  position: string;
  eventId: string;
  /** What happened, to put in words with `describeEvent`. */
  event: UptakeEvent;
  streamId: string;
  occurredAt: string;
  recordedAt: string;
  /** `name` is the coach's for a user who is a known coach, else null. */
  actor: { kind: Actor['kind']; id: string; name: string | null };
  source: string;
  /** Names as the organisation knows them now; null where the event concerns none. */
  area: { areaId: string; name: string | null } | null;
  team: { teamId: string; key: string | null; name: string | null } | null;
  stakeholder: { stakeholderId: string; name: string | null } | null;
  signalId: string | null;
  cycleId: string | null;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** The `before` that shows the next, older page; null on the last page. */
  older: string | null;
}

/** What the filter form offers. */
export interface TimelineChoices {
  /** In tree order; depth 0 is the top level. */
  areas: { areaId: string; name: string; depth: number }[];
  teams: { teamId: string; key: string; name: string }[];
  stakeholders: { stakeholderId: string; name: string }[];
}

export interface TimelineQueries {
  page(filter: TimelineFilter, size: number): TimelinePage;
  choices(): TimelineChoices;
  /** Whether any event has been projected at all (an empty timeline and a filter that matches nothing read differently). */
  hasEvents(): boolean;
  /** The entries at these positions (those the timeline has projected), to put another read model's events in words. */
  atPositions(positions: readonly string[]): TimelineEntry[];
}

interface EntryRow {
  position: string;
  eventId: string;
  type: string;
  streamId: string;
  occurredAt: string;
  recordedAt: string;
  actorKind: Actor['kind'];
  actorId: string;
  actorName: string | null;
  source: string;
  areaId: string | null;
  areaName: string | null;
  teamId: string | null;
  teamKey: string | null;
  teamName: string | null;
  stakeholderId: string | null;
  stakeholderName: string | null;
  signalId: string | null;
  cycleId: string | null;
  data: string;
}

type Condition = keyof TimelineFilter;

/** One WHERE clause per filter. */
const conditions: Record<Condition, string> = {
  areaId: 'e.area_id = @areaId',
  teamId: 'e.team_id = @teamId',
  stakeholderId: 'e.stakeholder_id = @stakeholderId',
  type: 'e.type = @type',
  actorKind: 'e.actor_kind = @actorKind',
  before: 'e.position < @before',
};
const conditionOrder = Object.keys(conditions) as Condition[];

/**
 * The WHERE clauses of a filter. A type or actor filter says it is not the commonest value, so
 * SQLite may walk the partial index, except beside a team or stakeholder filter: their indexes
 * hold a few hundred rows per team or stakeholder, while SQLite (without statistics) would rather
 * walk the type or actor index and read a table row per entry. The unary + keeps it from that.
 */
function clausesOf(filter: TimelineFilter): string[] {
  const narrow = filter.teamId !== undefined || filter.stakeholderId !== undefined;
  return conditionOrder.flatMap((c) => {
    if (filter[c] === undefined) return [];
    if (c !== 'type' && c !== 'actorKind') return [conditions[c]];
    if (narrow) return [`+${conditions[c]}`];
    return filter[c] === commonest[c] ? [conditions[c]] : [conditions[c], `e.${uncommon[c]}`];
  });
}

const entryColumns = `
  CAST(e.position AS TEXT) AS position, e.event_id AS eventId, e.type, e.stream_id AS streamId,
  e.occurred_at AS occurredAt, e.recorded_at AS recordedAt,
  e.actor_kind AS actorKind, e.actor_id AS actorId, c.name AS actorName, e.source,
  e.area_id AS areaId, a.name AS areaName, e.team_id AS teamId, t.key AS teamKey, t.name AS teamName,
  e.stakeholder_id AS stakeholderId, st.name AS stakeholderName, e.signal_id AS signalId, e.cycle_id AS cycleId, e.data`;

const toEntry = (r: EntryRow): TimelineEntry => ({
  position: r.position,
  eventId: r.eventId,
  // Stored from an event the store had validated (and upcast): its type and data belong together.
  event: { type: r.type, data: JSON.parse(r.data) } as UptakeEvent,
  streamId: r.streamId,
  occurredAt: r.occurredAt,
  recordedAt: r.recordedAt,
  actor: { kind: r.actorKind, id: r.actorId, name: r.actorName },
  source: r.source,
  area: r.areaId === null ? null : { areaId: r.areaId, name: r.areaName },
  team: r.teamId === null ? null : { teamId: r.teamId, key: r.teamKey, name: r.teamName },
  stakeholder: r.stakeholderId === null ? null : { stakeholderId: r.stakeholderId, name: r.stakeholderName },
  signalId: r.signalId,
  cycleId: r.cycleId,
});

/**
 * The timeline read side. A page is one query walking an index newest first, stopping after
 * `size + 1` rows; names of areas, teams, stakeholders and coaches come from the org and
 * stakeholder read models as they are now.
 */
export class SqliteTimelineQueries implements TimelineQueries {
  private readonly statements = new Map<string, SqlStatement<[Record<string, unknown>], EntryRow>>();
  private readonly sql;

  constructor(private readonly db: SqlDatabase) {
    for (const projection of [orgProjection, stakeholdersProjection, timelineProjection]) projection.setUp(db);
    this.sql = {
      any: db.prepare<[], { found: 1 }>('SELECT 1 AS found FROM timeline_events LIMIT 1'),
      subtree: db.prepare<[string], { areaId: string }>(`
        WITH RECURSIVE subtree(area_id) AS (
          SELECT ? UNION SELECT a.area_id FROM org_areas a JOIN subtree ON a.parent_area_id = subtree.area_id
        ) SELECT area_id AS areaId FROM subtree`),
      areas: db.prepare<[], { areaId: string; name: string; depth: number }>(`
        WITH RECURSIVE tree(area_id, name, depth, path) AS (
          SELECT area_id, name, 0, name || char(0) FROM org_areas WHERE parent_area_id IS NULL
          UNION ALL
          SELECT a.area_id, a.name, tree.depth + 1, tree.path || a.name || char(0) FROM org_areas a JOIN tree ON a.parent_area_id = tree.area_id
        ) SELECT area_id AS areaId, name, depth FROM tree ORDER BY path`),
      teams: db.prepare<[], { teamId: string; key: string; name: string }>(
        'SELECT team_id AS teamId, key, name FROM org_teams ORDER BY key, team_id',
      ),
      stakeholders: db.prepare<[], { stakeholderId: string; name: string }>(
        'SELECT stakeholder_id AS stakeholderId, name FROM stakeholders ORDER BY name, stakeholder_id',
      ),
    };
  }

  page(filter: TimelineFilter, size: number): TimelinePage {
    const statement = this.statementFor(clausesOf(filter));
    const params: Record<string, unknown> = { limit: size + 1 };
    for (const c of conditionOrder) if (filter[c] !== undefined) params[c] = filter[c];
    // An area's events are those of every area below it too. One walk per area, each stopping
    // after size + 1 rows, merged here: one query over all of them would sort every matching row.
    const areas = filter.areaId === undefined ? [undefined] : this.subtreeOf(filter.areaId);
    const rows = areas.flatMap((areaId) => statement.all(areaId === undefined ? params : { ...params, areaId }));
    if (areas.length > 1) rows.sort((a, b) => (BigInt(b.position) > BigInt(a.position) ? 1 : -1));
    const entries = rows.slice(0, size).map(toEntry);
    return { entries, older: rows.length > size ? (entries.at(-1)?.position ?? null) : null };
  }

  choices(): TimelineChoices {
    return { areas: this.sql.areas.all(), teams: this.sql.teams.all(), stakeholders: this.sql.stakeholders.all() };
  }

  hasEvents(): boolean {
    return this.sql.any.get() !== undefined;
  }

  atPositions(positions: readonly string[]): TimelineEntry[] {
    return this.statementFor(['e.position IN (SELECT CAST(value AS INTEGER) FROM json_each(@positions))'])
      .all({ positions: JSON.stringify(positions), limit: positions.length })
      .map(toEntry);
  }

  /** The area and every area below it; an area the organisation does not know is just itself. */
  private subtreeOf(areaId: string): string[] {
    return this.sql.subtree.all(areaId).map((r) => r.areaId);
  }

  /** One statement per combination of filters in use, prepared on first use. */
  private statementFor(clauses: string[]) {
    const where = clauses.join(' AND ');
    let statement = this.statements.get(where);
    if (statement === undefined) {
      statement = this.db.prepare<[Record<string, unknown>], EntryRow>(`
        SELECT ${entryColumns}
        FROM timeline_events e
        LEFT JOIN org_coaches c ON e.actor_kind = 'user' AND c.coach_id = e.actor_id
        LEFT JOIN org_areas a ON a.area_id = e.area_id
        LEFT JOIN org_teams t ON t.team_id = e.team_id
        LEFT JOIN stakeholders st ON st.stakeholder_id = e.stakeholder_id
        ${where === '' ? '' : `WHERE ${where}`}
        ORDER BY e.position DESC
        LIMIT @limit`);
      this.statements.set(where, statement);
    }
    return statement;
  }
}
