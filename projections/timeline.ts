import { accountsProjection } from './accounts.ts';
import { perCheckpoint } from './perCheckpoint.ts';
import { catalogue, type UptakeEvent, type UptakeEventType } from '../src/events.ts';
import type { Actor, RecordedEvent } from '../src/shared/event.ts';
import type { SqlDatabase, SqlStatement } from '../src/shared/sql.ts';
import { streamName } from '../src/shared/streams.ts';
import { orgProjection } from './org.ts';
import { type TeamsAndStakeholders, teamsAndStakeholdersWithin } from './org/teamsAndStakeholders.ts';
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

const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An instant with an offset or other precision, in the one form whose text order is time order (most already are). */
const utcInstant = (instant: string): string => (UTC_INSTANT.test(instant) ? instant : new Date(instant).toISOString());

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
 * commonest value is found by walking the time index newest first anyway, as most rows have it. A
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
  data: string | null,
];

/**
 * Whether this file holds the store's `events` table (the SQLite store; with EventStoreDB it has
 * none). Then the timeline keeps no copy of an event's data: it reads it from there by position.
 */
const holdsEvents = (db: SqlDatabase): boolean =>
  db.prepare<[], { found: 1 }>("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'events'").get() !== undefined;

/**
 * Every event, latest business time first, for the timeline / audit page: who (actor), what (its
 * type and data, put in words when read, so rewording needs no rebuild), when (business time and
 * recorded time), from where (source), and the area, team, stakeholder, signal and cycle it
 * concerns. An event about a team, stakeholder or signal is filed under the area it was in when
 * the event happened (a team that moves later keeps its history where it was made).
 */
export const timelineProjection = defineProjection({
  name: 'timeline',
  // 2: the type and actor indexes leave out the commonest value; 3: the event's data instead of its wording;
  // 4: ordered by business time (normalised to UTC), indexes end with (occurred_at, position), the actors;
  // 5: no copy of the data of an event stored in the same file
  version: 5,
  reads: timelineEventTypes,
  tables: ['timeline_events', 'timeline_subjects', 'timeline_actors'],
  schema: `
    CREATE TABLE IF NOT EXISTS timeline_events (
      -- the store's global position: the row id, and the tie-break between events that happened at the same instant
      position       INTEGER PRIMARY KEY,
      event_id       TEXT NOT NULL,
      type           TEXT NOT NULL,
      stream_id      TEXT NOT NULL,
      -- business time in UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.sssZ), so text order is time order
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
      -- the event's data as JSON, described when read; NULL when the file's events table holds the
      -- event at this position (the SQLite store), so a replay does not copy every event
      data           TEXT
    );
    -- the timeline's order, then one per filter ending with it, so a page is a walk of one index from a cursor
    CREATE INDEX IF NOT EXISTS timeline_events_when ON timeline_events (occurred_at, position);
    CREATE INDEX IF NOT EXISTS timeline_events_area ON timeline_events (area_id, occurred_at, position) WHERE area_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS timeline_events_team ON timeline_events (team_id, occurred_at, position) WHERE team_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS timeline_events_stakeholder ON timeline_events (stakeholder_id, occurred_at, position)
      WHERE stakeholder_id IS NOT NULL;
    CREATE INDEX IF NOT EXISTS timeline_events_type ON timeline_events (type, occurred_at, position) WHERE ${uncommon.type};
    CREATE INDEX IF NOT EXISTS timeline_events_actor ON timeline_events (actor_kind, actor_id, occurred_at, position)
      WHERE ${uncommon.actorKind};
    -- everyone who recorded an event, for the actor filter (not a DISTINCT over every event)
    CREATE TABLE IF NOT EXISTS timeline_actors (
      actor_kind     TEXT NOT NULL,
      actor_id       TEXT NOT NULL,
      PRIMARY KEY (actor_kind, actor_id)
    ) WITHOUT ROWID;
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
    addActor: db.prepare<[string, string]>('INSERT OR IGNORE INTO timeline_actors (actor_kind, actor_id) VALUES (?, ?)'),
    /** The id of the event this file's store holds at a position; null without a store here (EventStoreDB). */
    stored: holdsEvents(db) ? db.prepare<[bigint], { eventId: string }>('SELECT event_id AS eventId FROM events WHERE position = ?') : null,
    /** Whether this fold's events are the store's in this file (their data is read from there, not copied). */
    fold: { inThisFile: false },
    /** Placements read or written during this fold (null: never placed), saving a query per event. */
    placements: new Map<string, Placement | null>(),
    /** Actors added during this fold (`kind:id`), saving a write per event. */
    actors: new Set<string>(),
  }),
  beginFold({ placements, actors, stored, fold }, events) {
    placements.clear();
    actors.clear();
    // A fold's events come from one store, read in one page: when the file's events table holds its
    // first and last at their positions, it holds them all (events never change), a look-up per fold, not per event.
    const inThisFile = (event: RecordedEvent | undefined) =>
      event !== undefined && stored?.get(event.position)?.eventId === event.metadata.eventId;
    fold.inThisFile = inThisFile(events[0]) && inThisFile(events.at(-1));
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
    const { actor } = metadata;
    const actorKey = `${actor.kind}:${actor.id}`;
    if (!sql.actors.has(actorKey)) {
      sql.addActor.run(actor.kind, actor.id);
      sql.actors.add(actorKey);
    }
    sql.insert.run(
      event.position,
      metadata.eventId,
      event.type,
      event.streamId,
      utcInstant(metadata.occurredAt),
      metadata.recordedAt,
      actor.kind,
      actor.id,
      metadata.source,
      areaId ?? placed?.area_id ?? null,
      teamId ?? placed?.team_id ?? null,
      stakeholderId ?? placed?.stakeholder_id ?? null,
      signalId,
      idIn(data, 'cycleId'),
      sql.fold.inThisFile ? null : JSON.stringify(data),
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
  actor?: Actor | undefined;
}

/** A place in the timeline's order (business time, then position: a total order), for keyset paging. */
export interface TimelineCursor {
  /** UTC with milliseconds, as stored. */
  occurredAt: string;
  position: bigint;
}

/** Where a page starts: the events just before (older than) a cursor, or just after (newer than) it. */
export type TimelineFrom = { direction: 'before' | 'after'; cursor: TimelineCursor };

/** Positions are unsigned 64-bit in the stores, signed 64-bit in SQLite: the common range. */
const MAX_POSITION = 2n ** 63n - 1n;
const cursorPattern = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([1-9]\d{0,18})$/;

/** A cursor as a link carries it: `2026-11-23T09:30:00.000Z_42`. */
export const cursorText = (cursor: TimelineCursor): string => `${cursor.occurredAt}_${cursor.position}`;

/** The cursor a link's text names, or null if it names none. */
export function cursorFromText(text: string): TimelineCursor | null {
  const match = cursorPattern.exec(text);
  if (match === null) return null;
  const [, occurredAt, digits] = match as unknown as [string, string, string];
  const position = BigInt(digits);
  const time = Date.parse(occurredAt);
  if (position > MAX_POSITION || Number.isNaN(time) || new Date(time).toISOString() !== occurredAt) return null;
  return { occurredAt, position };
}

/** Whether text is an event position as older links carried it (`before=42`). */
export const isPositionText = (text: string): boolean => /^[1-9]\d{0,18}$/.test(text) && BigInt(text) <= MAX_POSITION;

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
  /** The cursor before which the next, older page starts; null when nothing older matches. */
  older: TimelineCursor | null;
  /** The cursor after which the previous, newer page starts; null when nothing newer matches. */
  newer: TimelineCursor | null;
}

/** What the filter form offers. */
export interface TimelineChoices {
  /** In tree order; depth 0 is the top level. */
  areas: { areaId: string; name: string; depth: number }[];
  /** Everyone who recorded an event, by kind then id. */
  actors: Actor[];
}

export interface TimelineQueries {
  /** `size` events matching `filter` in the timeline's order, latest first: the newest, or those just before or after a cursor. */
  page(filter: TimelineFilter, size: number, from?: TimelineFrom): TimelinePage;
  /** The cursor of the event at a position, as older links named a page's start; null if the timeline has none there. */
  cursorAt(position: bigint): TimelineCursor | null;
  choices(): TimelineChoices;
  /** The first `limit` teams and stakeholders in the area and below it (everywhere without one), for the filter. */
  teamsAndStakeholders(areaId: string | undefined, limit: number): TeamsAndStakeholders;
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

/** A page's query parameters: the filter's, flattened, and the cursor's. */
interface Params {
  areaId?: string;
  teamId?: string;
  stakeholderId?: string;
  type?: UptakeEventType;
  actorKind?: Actor['kind'];
  actorId?: string;
  before?: true;
  after?: true;
}
type Condition = keyof Params;

/** One WHERE clause per parameter. */
const conditions: Record<Condition, string> = {
  areaId: 'e.area_id = @areaId',
  teamId: 'e.team_id = @teamId',
  stakeholderId: 'e.stakeholder_id = @stakeholderId',
  type: 'e.type = @type',
  actorKind: 'e.actor_kind = @actorKind',
  actorId: 'e.actor_id = @actorId',
  before: '(e.occurred_at, e.position) < (@occurredAt, @position)',
  after: '(e.occurred_at, e.position) > (@occurredAt, @position)',
};
const conditionOrder = Object.keys(conditions) as Condition[];

function paramsOf(filter: TimelineFilter, from: TimelineFrom | undefined): Params & Record<string, unknown> {
  const { actor, ...rest } = filter;
  const params: Params & Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (actor !== undefined) Object.assign(params, { actorKind: actor.kind, actorId: actor.id });
  if (from !== undefined) Object.assign(params, { [from.direction]: true, ...from.cursor });
  return params;
}

/**
 * The WHERE clauses of a page. A type or actor filter says it is not the commonest value, so
 * SQLite may walk the partial index, except beside a team or stakeholder filter: their indexes
 * hold a few hundred rows per team or stakeholder, while SQLite (without statistics) would rather
 * walk the type or actor index and read a table row per entry. The unary + keeps it from that.
 */
function clausesOf(params: Params): string[] {
  const narrow = params.teamId !== undefined || params.stakeholderId !== undefined;
  return conditionOrder.flatMap((c) => {
    if (params[c] === undefined) return [];
    if (c !== 'type' && c !== 'actorKind' && c !== 'actorId') return [conditions[c]];
    if (narrow) return [`+${conditions[c]}`];
    if (c === 'actorId') return [conditions[c]];
    return params[c] === commonest[c] ? [conditions[c]] : [conditions[c], `e.${uncommon[c]}`];
  });
}

/** The timeline's order, latest first, on rows as read. */
const latestFirst = (a: EntryRow, b: EntryRow): number =>
  a.occurredAt === b.occurredAt ? Number(BigInt(b.position) - BigInt(a.position)) : a.occurredAt < b.occurredAt ? 1 : -1;

const cursorOf = (entry: TimelineEntry): TimelineCursor => ({ occurredAt: entry.occurredAt, position: BigInt(entry.position) });

const entryColumns = `
  CAST(e.position AS TEXT) AS position, e.event_id AS eventId, e.type, e.stream_id AS streamId,
  e.occurred_at AS occurredAt, e.recorded_at AS recordedAt,
  e.actor_kind AS actorKind, e.actor_id AS actorId, COALESCE(ac.name, c.name) AS actorName, e.source,
  e.area_id AS areaId, a.name AS areaName, e.team_id AS teamId, t.key AS teamKey, t.name AS teamName,
  e.stakeholder_id AS stakeholderId, st.name AS stakeholderName, e.signal_id AS signalId, e.cycle_id AS cycleId`;

const toEntry = (r: EntryRow): TimelineEntry => ({
  position: r.position,
  eventId: r.eventId,
  // Validated by the store when appended (copied here, or read from its events table as stored): its
  // type and data belong together. An upcaster added to the store would have to apply here too.
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
 * The timeline read side. A page is one query walking an index from its cursor, stopping after
 * `size + 1` rows, and at most one more reading a single row to know whether there is more the other way; names of areas, teams, stakeholders and coaches come from the org and
 * stakeholder read models as they are now.
 */
export class SqliteTimelineQueries implements TimelineQueries {
  private readonly statements = new Map<string, SqlStatement<[Record<string, unknown>], EntryRow>>();
  private readonly sql;
  /** The filter's choices, the same on every request until the organisation, its stakeholders or the timeline's actors change. */
  private readonly cachedChoices: () => TimelineChoices;
  readonly teamsAndStakeholders: (areaId: string | undefined, limit: number) => TeamsAndStakeholders;

  /** The data column, and the join to the events table it falls back to when this file holds the store. */
  private readonly data: { column: string; join: string };

  constructor(private readonly db: SqlDatabase) {
    for (const projection of [orgProjection, stakeholdersProjection, accountsProjection, timelineProjection]) projection.setUp(db);
    this.data = holdsEvents(db)
      ? { column: 'COALESCE(e.data, ev.data) AS data', join: 'LEFT JOIN events ev ON e.data IS NULL AND ev.position = e.position' }
      : { column: 'e.data', join: '' };
    this.sql = {
      any: db.prepare<[], { found: 1 }>('SELECT 1 AS found FROM timeline_events LIMIT 1'),
      at: db.prepare<[bigint], { occurredAt: string }>('SELECT occurred_at AS occurredAt FROM timeline_events WHERE position = ?'),
      actors: db.prepare<[], Actor>('SELECT actor_kind AS kind, actor_id AS id FROM timeline_actors ORDER BY actor_kind, actor_id'),
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
    };
    this.cachedChoices = perCheckpoint(db, [orgProjection, timelineProjection], () => ({
      areas: this.sql.areas.all(),
      actors: this.sql.actors.all(),
    }));
    this.teamsAndStakeholders = teamsAndStakeholdersWithin(db);
  }

  page(filter: TimelineFilter, size: number, from?: TimelineFrom): TimelinePage {
    const towardsNewer = from?.direction === 'after';
    const rows = this.walk(filter, from, size + 1);
    const more = rows.length > size;
    const shown = rows.slice(0, size);
    if (towardsNewer) shown.reverse();
    const entries = shown.map(toEntry);
    const first = entries[0];
    const last = entries.at(-1);
    // Beyond the end a page was not walked towards, one row says whether there is more.
    const beyond = (direction: TimelineFrom['direction'], entry: TimelineEntry) =>
      this.walk(filter, { direction, cursor: cursorOf(entry) }, 1).length > 0;
    const hasOlder = last !== undefined && (towardsNewer ? beyond('before', last) : more);
    const hasNewer = first !== undefined && (towardsNewer ? more : from !== undefined && beyond('after', first));
    return {
      entries,
      older: hasOlder && last !== undefined ? cursorOf(last) : null,
      newer: hasNewer && first !== undefined ? cursorOf(first) : null,
    };
  }

  cursorAt(position: bigint): TimelineCursor | null {
    const row = this.sql.at.get(position);
    return row === undefined ? null : { occurredAt: row.occurredAt, position };
  }

  choices(): TimelineChoices {
    return this.cachedChoices();
  }

  hasEvents(): boolean {
    return this.sql.any.get() !== undefined;
  }

  atPositions(positions: readonly string[]): TimelineEntry[] {
    return this.statementFor(['e.position IN (SELECT CAST(value AS INTEGER) FROM json_each(@positions))'], 'DESC')
      .all({ positions: JSON.stringify(positions), limit: positions.length })
      .map(toEntry);
  }

  /** The area and every area below it; an area the organisation does not know is just itself. */
  private subtreeOf(areaId: string): string[] {
    return this.sql.subtree.all(areaId).map((r) => r.areaId);
  }

  /**
   * Up to `limit` rows matching the filter from where the page starts, in the order walked:
   * latest first, or (after a cursor) earliest first. An area's events are those of every area
   * below it too: one walk per area, each stopping after `limit` rows, merged here; one query
   * over all of them would sort every matching row.
   */
  private walk(filter: TimelineFilter, from: TimelineFrom | undefined, limit: number): EntryRow[] {
    const params = paramsOf(filter, from);
    const statement = this.statementFor(clausesOf(params), from?.direction === 'after' ? 'ASC' : 'DESC');
    const areas = filter.areaId === undefined ? [undefined] : this.subtreeOf(filter.areaId);
    const rows = areas.flatMap((areaId) => statement.all({ ...params, limit, ...(areaId === undefined ? {} : { areaId }) }));
    if (areas.length === 1) return rows;
    rows.sort(from?.direction === 'after' ? (a, b) => latestFirst(b, a) : latestFirst);
    return rows.slice(0, limit);
  }

  /** One statement per combination of conditions and direction, prepared on first use. */
  private statementFor(clauses: string[], order: 'ASC' | 'DESC') {
    const where = clauses.join(' AND ');
    const key = `${order} ${where}`;
    let statement = this.statements.get(key);
    if (statement === undefined) {
      statement = this.db.prepare<[Record<string, unknown>], EntryRow>(`
        SELECT ${entryColumns}, ${this.data.column}
        FROM timeline_events e
        ${this.data.join}
        LEFT JOIN accounts ac ON e.actor_kind = 'user' AND ac.account_id = e.actor_id
        LEFT JOIN org_coaches c ON e.actor_kind = 'user' AND c.coach_id = e.actor_id
        LEFT JOIN org_areas a ON a.area_id = e.area_id
        LEFT JOIN org_teams t ON t.team_id = e.team_id
        LEFT JOIN stakeholders st ON st.stakeholder_id = e.stakeholder_id
        ${where === '' ? '' : `WHERE ${where}`}
        ORDER BY e.occurred_at ${order}, e.position ${order}
        LIMIT @limit`);
      this.statements.set(key, statement);
    }
    return statement;
  }
}
