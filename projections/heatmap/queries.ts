import {
  type AdoptionFact,
  type AdoptionFactKind,
  addTally,
  addTeam,
  adoptionFactKinds,
  assessTally,
  assessTeam,
  dimensionOf,
  emptyTally,
  firstDateKinds,
  indexFacts,
  learnWindowStart,
  type Scores,
  scoredKinds,
  scoreTeam,
  type Tally,
  type TeamAssessment,
  type TeamFacts,
} from '../../src/adoption/model.ts';
import { forecast } from '../../src/adoption/forecast.ts';
import { addSeries, seriesDates, seriesOf } from '../../src/adoption/trend.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { adoptionProjection, type FactRow, firstDateColumn, type SummaryRow, type TrainingsRow } from '../adoption.ts';
import { objectivesProjection } from '../objectives.ts';
import { orgProjection } from '../org.ts';
import { CHECKPOINTS_SCHEMA } from '../runner.ts';
import { signalsProjection } from '../signals.ts';
import type {
  AreaDetail,
  AreaRow,
  CycleSummary,
  Dimension,
  EvidencePaging,
  EvidenceSummary,
  Forecast,
  Heatmap,
  HeatmapQueries,
  ScoreEvidence,
  TeamCursor,
  TeamDetail,
  TeamPaging,
  TeamRow,
} from './types.ts';

/** A team's facts of some kinds up to a date, as the evidence page asks for them; the kinds come as a JSON array, so the filter stays in SQL. */
interface EvidenceParams {
  team: string;
  cycle: string;
  asOf: string;
  /** Trainings count from here (the learn window), whatever their cycle. */
  from: string;
  kinds: string;
}

type EvidenceRow = Pick<FactRow, 'event_id' | 'position' | 'event_type' | 'kind' | 'on_date' | 'training_kind' | 'participants'> & {
  objectives: number | null;
  reaching: number | null;
  row: number;
};

/**
 * A team's facts as the evidence page lists them: the adoption facts and the objectives read
 * model's alignment facts in one sequence. `row` orders each table's rows as inserted and never
 * repeats across the two (even for one, odd for the other), so it is a keyset cursor for both.
 */
const evidenceFacts = `(
  SELECT team_id, cycle_id, event_id, position, event_type, kind, on_date, training_kind, participants,
         NULL AS objectives, NULL AS reaching, rowid * 2 AS row FROM adoption_facts
  UNION ALL
  SELECT team_id, cycle_id, event_id, position, event_type, 'alignment', on_date, NULL, NULL,
         objectives, reaching, rowid * 2 + 1 FROM strategy_alignment
)`;

const evidenceWhere = `team_id = @team AND on_date <= @asOf
  AND ((kind = 'training' AND on_date >= @from) OR (kind <> 'training' AND cycle_id = @cycle))
  AND kind IN (SELECT value FROM json_each(@kinds))`;

/**
 * The evidence page's statements. Its events are paged by (date, row), keyset: a page after a
 * cursor reads forwards, a page before one reads backwards (and is turned round).
 */
function evidenceStatements(db: SqlDatabase) {
  const columns = 'event_id, position, event_type, kind, on_date, training_kind, participants, objectives, reaching, row';
  type Page = EvidenceParams & { limit: number };
  type From = Page & { on: string; row: number };
  return {
    evidenceFirst: db.prepare<[Page], EvidenceRow>(
      `SELECT ${columns} FROM ${evidenceFacts} WHERE ${evidenceWhere} ORDER BY on_date, row LIMIT @limit`,
    ),
    evidenceAfter: db.prepare<[From], EvidenceRow>(
      `SELECT ${columns} FROM ${evidenceFacts} WHERE ${evidenceWhere} AND (on_date, row) > (@on, @row) ORDER BY on_date, row LIMIT @limit`,
    ),
    evidenceBefore: db.prepare<[From], EvidenceRow>(
      `SELECT ${columns} FROM ${evidenceFacts} WHERE ${evidenceWhere} AND (on_date, row) < (@on, @row) ORDER BY on_date DESC, row DESC LIMIT @limit`,
    ),
    evidenceScored: db.prepare<[EvidenceParams], EvidenceRow>(`SELECT ${columns} FROM ${evidenceFacts} WHERE ${evidenceWhere}`),
    evidenceByType: db.prepare<[EvidenceParams], { type: string; count: number }>(`
      SELECT event_type AS type, count(*) AS count FROM ${evidenceFacts} WHERE ${evidenceWhere}
      GROUP BY event_type ORDER BY min(on_date), min(row)`),
  };
}

/** The kinds behind one dimension, or behind every one (`null`: the overall score). */
const kindsOf = (dimension: Dimension | null): AdoptionFactKind[] =>
  adoptionFactKinds.filter((kind) => dimension === null || dimensionOf[kind] === dimension);

function factOf(f: EvidenceRow): AdoptionFact {
  if (f.kind === 'training') return { kind: f.kind, on: f.on_date, trainingKind: f.training_kind ?? '', participants: f.participants ?? 0 };
  if (f.kind === 'alignment') return { kind: f.kind, on: f.on_date, objectives: f.objectives ?? 0, reaching: f.reaching ?? 0 };
  return { kind: f.kind, on: f.on_date };
}

/** An evidence cursor (`2026-10-15_1234`: a fact's date and row in `evidenceFacts`), as `ScoreEvidence.cursor` makes it. */
export const EVIDENCE_CURSOR = /^(\d{4}-\d{2}-\d{2})_(\d{1,15})$/;

function parseEvidenceCursor(cursor: string): { on: string; row: number } {
  const match = EVIDENCE_CURSOR.exec(cursor);
  if (!match) throw new Error(`not an evidence cursor: ${cursor}`);
  return { on: match[1]!, row: Number(match[2]) };
}

/** A team cursor in a URL (`PLATFORM.team-17`): its key, which has no dot, then its id. */
export const TEAM_CURSOR = /^([A-Z][A-Z0-9]*)\.([A-Za-z0-9_.:-]{1,64})$/;

export const teamCursor = (team: TeamCursor): string => `${team.key}.${team.teamId}`;

export function parseTeamCursor(cursor: string): TeamCursor {
  const match = TEAM_CURSOR.exec(cursor);
  if (!match) throw new Error(`not a team cursor: ${cursor}`);
  return { key: match[1]!, teamId: match[2]! };
}

/** Whether a team sorts after the cursor, in the teams' order (key, then id; both ASCII, so JS's order is SQLite's). */
const isAfter = (team: TeamRecord, { key, teamId }: TeamCursor): boolean => team.key > key || (team.key === key && team.teamId > teamId);

/** A page of an area's teams (kept in key order), and how many follow it. */
function pageOfTeams(teams: readonly ScoredTeam[], { limit, after }: TeamPaging): { page: ScoredTeam[]; more: number } {
  const from = after === undefined ? 0 : teams.findIndex(({ team }) => isAfter(team, after));
  if (from === -1) return { page: [], more: 0 };
  const page = teams.slice(from, from + limit);
  return { page, more: teams.length - from - page.length };
}

interface AreaRecord {
  areaId: string;
  code: string;
  name: string;
  parentAreaId: string | null;
}

interface TeamRecord {
  teamId: string;
  key: string;
  name: string;
  areaId: string;
  size: number;
}

/** Everything one heatmap needs, computed once per (cycle, asOf). */
interface Computed {
  cycle: CycleSummary;
  /** Areas in tree order (depth first, siblings by code). */
  areas: AreaRow[];
  organisation: Scores | null;
  /** Every team's row, made on first use: the heatmap page shows only the areas. */
  teams: () => TeamRow[];
  /**
   * An area's own row, its teams' rows (every one, or the page asked for) and its child areas:
   * rows made on first use (an area page also asks for its parent's row, never its teams).
   */
  detail: (areaId: string, paging?: TeamPaging) => AreaDetail | undefined;
  /** A team's row by its id, found without a scan and made on first use. */
  team: (teamId: string) => TeamRow | undefined;
  /** How many teams were scored for it: what it holds, for the cache's bound. */
  scoredTeams: number;
}

/** A team as scored for one date: what its row is made from, when one is asked for. */
interface ScoredTeam {
  team: TeamRecord;
  assessment: TeamAssessment;
  /** Its overall score on each of the series dates. */
  overallByDate: number[];
  /** Its row, once a page asked for it. */
  row: TeamRow | null;
}

/** A subtree's tally and its summed series, added up from its teams and its child areas. */
interface Sums {
  tally: Tally;
  series: number[];
}

/** The value `make` gives, worked out on first use and kept. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

const cycleColumns =
  'cycle_id AS cycleId, name, starts_on AS startsOn, ends_on AS endsOn, check_in_cadence_days AS checkInCadenceDays, closed_on AS closedOn';

/** The list under `key`, created empty on first use. */
function listIn<K, V>(lists: Map<K, V[]>, key: K): V[] {
  const known = lists.get(key);
  if (known !== undefined) return known;
  const list: V[] = [];
  lists.set(key, list);
  return list;
}

/** A team without a fact in the cycle. */
const noFacts = indexFacts([]);

/** Heatmaps kept, one per (cycle, asOf, subtree): a few are asked for again and again. */
const CACHED_HEATMAPS = 32;

/**
 * Teams the kept heatmaps may have scored between them, each about a kilobyte with its trend and row: every
 * heatmap of a small organisation, but at 1,600 teams (a million events) four whole ones and a
 * few areas' pages, not 32 whole ones (40 MiB kept, and the server's heap grown to four times that).
 */
const CACHED_TEAM_ROWS = 8000;

/** Cycles whose teams' week-end scores are kept. */
const CACHED_TREND_CYCLES = 8;

/** A team's overall score at the week ends of a cycle, valid while its facts, its size and the cycle's dates are the ones it was scored from. */
interface TeamWeeks {
  /** The facts it was last checked against: the same object (until the summaries are read again) needs no comparison. */
  facts: TeamFacts;
  /** What the scores depend on, as text: a list read again after a write is compared by it. */
  key: string;
  /** By week: the i-th week end of the cycle's series dates (`seriesDates`), scored when first asked for. */
  overall: number[];
}

/** The read models a heatmap is computed from: it changes only when one of their checkpoints moves. */
const sources = [orgProjection, adoptionProjection, signalsProjection, objectivesProjection];

/**
 * Checkpoints that moved by more than this many events since a heatmap was computed mean a
 * burst (a rebuild, an ingest, the seed), not a person's write: a command records a few events.
 */
const BURST_EVENTS = 100;

export interface HeatmapQueryOptions {
  /** Milliseconds, for the age of a cached heatmap; tests pass a fake clock. */
  now?: () => number;
  /** How long a heatmap may still be answered while a burst of events is being applied. */
  staleForMs?: number;
  /** Team rows the kept heatmaps may hold between them (CACHED_TEAM_ROWS by default). */
  cachedTeamRows?: number;
}

/** Where the source read models are: the lowest checkpoint, and the state a heatmap is valid for. */
interface Checkpoints {
  /** Every source's checkpoint; equal states mean equal read models. */
  state: string;
  position: bigint;
  rebuilding: boolean;
}

interface Cached {
  computed: Computed | null;
  checkpoints: Checkpoints;
  /** When it was computed (by the `now` clock). */
  at: number;
}

/**
 * The heatmap read side over the org, adoption and signals tables. Facts are loaded in two
 * queries on covering indexes (the cycle's scored facts up to asOf, the trainings in the learn
 * window) and scored in memory by the adoption model. Results are shared between callers, so
 * they must not be mutated.
 *
 * Results are cached per (cycle, asOf) with the checkpoints they were computed at (the runner
 * changes a read model only together with its checkpoint). A computation takes tens of
 * milliseconds on the event loop, so while events pour in (every applied batch moves the
 * checkpoints) a request may be answered from the previous computation, if it is younger than
 * `staleForMs` (1 s by default): the recomputation then happens at most once per `staleForMs`
 * per (cycle, asOf). The answer is fresh, though, whenever
 * - the checkpoints moved by BURST_EVENTS or fewer since that computation (a person's write,
 *   a trickle of integration events), and no rebuild is under way;
 * - it would miss an event a writer asked to see with `freshAfter` (a write amid a burst);
 * - the cached computation is older than `staleForMs` (once events stop, the next request sees them).
 */
export class SqliteHeatmapQueries implements HeatmapQueries {
  private readonly sql;
  private readonly cache = new Map<string, Cached>();
  /** Each cycle's teams' facts from their summaries, with the checkpoints they were read at: every date of the cycle scores the same facts. */
  private readonly summarised = new Map<string, { state: string; facts: Map<string, TeamFacts> }>();
  /**
   * Each team's overall score at the week ends of a cycle. A week that ended before the date
   * asked about scores the same whatever that date, so the trends of every date in a cycle share
   * them; and a write rescores only the teams whose facts (or size) it changed, not every team.
   */
  private readonly weeks = new Map<string, Map<string, TeamWeeks>>();
  private org: { state: string; areas: AreaRecord[]; teams: TeamRecord[] } | null = null;
  private lastScored: { key: string; byTeam: Map<string, ScoredTeam> } | null = null;
  private readonly now: () => number;
  private readonly staleForMs: number;
  private readonly cachedTeamRows: number;
  /** The position the next answers must include (see `freshAfter`). */
  private mustInclude = 0n;

  constructor(db: SqlDatabase, options: HeatmapQueryOptions = {}) {
    db.exec(CHECKPOINTS_SCHEMA);
    for (const projection of sources) projection.setUp(db);
    this.now = options.now ?? Date.now;
    this.staleForMs = options.staleForMs ?? 1000;
    this.cachedTeamRows = options.cachedTeamRows ?? CACHED_TEAM_ROWS;
    this.sql = {
      checkpoints: db.prepare<string[], { projection: string; position: string; rebuilding: number }>(
        `SELECT projection, position, rebuilding FROM projection_checkpoints WHERE projection IN (${sources.map(() => '?').join(', ')}) ORDER BY projection`,
      ),
      cycles: db.prepare<[], CycleSummary>(`SELECT ${cycleColumns} FROM org_cycles ORDER BY starts_on DESC, cycle_id`),
      cycle: db.prepare<[string], CycleSummary>(`SELECT ${cycleColumns} FROM org_cycles WHERE cycle_id = ?`),
      areas: db.prepare<[], AreaRecord>(
        'SELECT area_id AS areaId, code, name, parent_area_id AS parentAreaId FROM org_areas ORDER BY code, area_id',
      ),
      teams: db.prepare<[], TeamRecord>(
        'SELECT team_id AS teamId, key, name, area_id AS areaId, size FROM org_teams ORDER BY key, team_id',
      ),
      alignment: db.prepare<[string], { team_id: string; on_date: string; objectives: number; reaching: number }>(
        'SELECT team_id, on_date, objectives, reaching FROM strategy_alignment WHERE cycle_id = ? ORDER BY rowid',
      ),
      summaries: db.prepare<[string], SummaryRow>(
        `SELECT team_id, ${firstDateKinds.map(firstDateColumn).join(', ')}, held_on FROM adoption_summaries WHERE cycle_id = ?`,
      ),
      trainings: db.prepare<[], TrainingsRow>('SELECT team_id, trainings FROM adoption_trainings'),
      openSignals: db.prepare<[string, string], { area_id: string; open: number; highest: number }>(`
        SELECT area_id, count(*) AS open, max(severity) AS highest FROM signals
        WHERE raised_on <= ? AND (resolved_on IS NULL OR resolved_on > ?) GROUP BY area_id`),
      ...evidenceStatements(db),
      keyResults: db.prepare<[string, string], { ref: string }>(
        "SELECT DISTINCT ref FROM adoption_facts WHERE team_id = ? AND cycle_id = ? AND kind = 'key-result-progress' ORDER BY ref",
      ),
    };
  }

  cycles(): CycleSummary[] {
    return this.sql.cycles.all();
  }

  defaultCycle(today: string): CycleSummary | null {
    const all = this.cycles();
    return all.find((c) => c.closedOn === null && c.startsOn <= today && today <= c.endsOn) ?? all[0] ?? null;
  }

  heatmap(cycleId: string, asOf: string): Heatmap | null {
    const computed = this.compute(cycleId, asOf);
    if (!computed) return null;
    const { cycle, areas, organisation, teams } = computed;
    return {
      cycle,
      asOf,
      areas,
      organisation,
      get teams() {
        return teams();
      },
    };
  }

  area(areaId: string, cycleId: string, asOf: string, paging?: TeamPaging): AreaDetail | null {
    return this.compute(cycleId, asOf, areaId)?.detail(areaId, paging) ?? null;
  }

  team(teamId: string, cycleId: string, asOf: string): TeamDetail | null {
    const computed = this.compute(cycleId, asOf);
    const team = computed?.team(teamId);
    const area = team && computed?.detail(team.areaId)?.area;
    return team && area ? { ...team, area } : null;
  }

  evidence(teamId: string, cycleId: string, dimension: Dimension | null, asOf: string, paging?: EvidencePaging): ScoreEvidence[] {
    const params = { ...this.evidenceParams(teamId, cycleId, asOf, kindsOf(dimension)), limit: paging?.limit ?? -1 };
    const from = paging?.after ?? paging?.before;
    const cursor = from === undefined ? null : parseEvidenceCursor(from);
    const rows =
      cursor === null
        ? this.sql.evidenceFirst.all(params)
        : paging?.after !== undefined
          ? this.sql.evidenceAfter.all({ ...params, ...cursor })
          : this.sql.evidenceBefore.all({ ...params, ...cursor }).reverse();
    return rows.map((f) => ({
      eventId: f.event_id,
      position: f.position,
      type: f.event_type,
      on: f.on_date,
      cursor: `${f.on_date}_${f.row}`,
      fact: factOf(f),
    }));
  }

  evidenceSummary(teamId: string, cycleId: string, dimension: Dimension | null, asOf: string): EvidenceSummary {
    const scored = kindsOf(dimension).filter((kind) => kind === 'alignment' || scoredKinds.includes(kind));
    return {
      scored: this.sql.evidenceScored.all(this.evidenceParams(teamId, cycleId, asOf, scored)).map(factOf),
      byType: this.sql.evidenceByType.all(this.evidenceParams(teamId, cycleId, asOf, kindsOf(dimension))),
    };
  }

  private evidenceParams(teamId: string, cycleId: string, asOf: string, kinds: readonly AdoptionFactKind[]): EvidenceParams {
    return { team: teamId, cycle: cycleId, asOf, from: learnWindowStart(asOf), kinds: JSON.stringify(kinds) };
  }

  keyResults(teamId: string, cycleId: string): string[] {
    return this.sql.keyResults.all(teamId, cycleId).map((row) => row.ref);
  }

  areaForecast(areaId: string, cycleId: string, asOf: string): Forecast | null {
    return this.area(areaId, cycleId, asOf)?.area.forecast ?? null;
  }

  /**
   * Answers from now on include the event at `position`. A writer calls it once the read models
   * have applied its write (after the runner's `waitFor`), so the page it redirects to shows
   * the write even while a burst of other events is being applied.
   */
  freshAfter(position: bigint): void {
    if (position > this.mustInclude) this.mustInclude = position;
  }

  /** The heatmap of a cycle as of a date; with `under`, only that area's subtree (what its page shows), so only its teams are scored. */
  private compute(cycleId: string, asOf: string, under: string | null = null): Computed | null {
    const checkpoints = this.checkpoints();
    const key = `${cycleId}@${asOf}${under === null ? '' : `/${under}`}`;
    const cached = this.cache.get(key);
    // Whatever is answered moves last, so the first entry is always the least recently used.
    this.cache.delete(key);
    if (cached && (cached.checkpoints.state === checkpoints.state || this.mayServeStale(cached, checkpoints))) {
      this.cache.set(key, cached);
      return cached.computed;
    }
    const computed = this.computeNow(cycleId, asOf, checkpoints.state, under);
    this.cache.set(key, { computed, checkpoints, at: this.now() });
    this.evict();
    return computed;
  }

  /** Drops the least recently used heatmaps until both limits hold; the one just computed stays, whatever its size. */
  private evict(): void {
    let rows = 0;
    for (const { computed } of this.cache.values()) rows += computed?.scoredTeams ?? 0;
    for (const [key, { computed }] of this.cache) {
      if (this.cache.size <= 1 || (this.cache.size <= CACHED_HEATMAPS && rows <= this.cachedTeamRows)) return;
      this.cache.delete(key);
      rows -= computed?.scoredTeams ?? 0;
    }
  }

  private mayServeStale(cached: Cached, current: Checkpoints): boolean {
    if (this.now() - cached.at >= this.staleForMs || cached.checkpoints.position < this.mustInclude) return false;
    return current.rebuilding || current.position - cached.checkpoints.position > BURST_EVENTS;
  }

  private checkpoints(): Checkpoints {
    const rows = this.sql.checkpoints.all(...sources.map((p) => p.name));
    const positions = rows.map((r) => BigInt(r.position));
    return {
      state: rows.map((r) => `${r.projection}:${r.position}`).join(','),
      // biome-ignore lint/complexity/useMathMinMax: positions are bigints, which Math.min does not take.
      position: positions.reduce((low, p) => (p < low ? p : low), positions[0] ?? 0n),
      rebuilding: rows.some((r) => r.rebuilding === 1),
    };
  }

  /**
   * Each team's facts as its summaries give them: the first fact of each first-date kind, every
   * check-in held and every training, whatever their dates. The model counts only those dated on
   * or before the date it is asked about, so the same facts serve every date.
   */
  private summarisedFacts(cycleId: string): Map<string, TeamFacts> {
    const facts = new Map<string, AdoptionFact[]>();
    for (const row of this.sql.summaries.all(cycleId)) {
      const team = listIn(facts, row.team_id);
      for (const kind of firstDateKinds) {
        const on = row[firstDateColumn(kind)];
        if (on !== null) team.push({ kind, on });
      }
      for (const on of row.held_on?.split(',') ?? []) team.push({ kind: 'check-in-held', on });
    }
    // Few per team (one per link made or removed up its objectives' chains), and the latest by a date counts.
    for (const a of this.sql.alignment.all(cycleId))
      listIn(facts, a.team_id).push({ kind: 'alignment', on: a.on_date, objectives: a.objectives, reaching: a.reaching });
    for (const row of this.sql.trainings.all()) {
      const team = listIn(facts, row.team_id);
      for (const [on, trainingKind, participants] of JSON.parse(row.trainings) as [string, string, number][])
        team.push({ kind: 'training', on, trainingKind, participants });
    }
    return new Map([...facts].map(([team, list]) => [team, indexFacts(list)]));
  }

  /**
   * The teams already scored for the last date asked about (`key`: checkpoints, cycle and date):
   * an area page asks for its area and then its parent's, whose subtree holds the same teams.
   */
  private scoredOn(key: string): Map<string, ScoredTeam> {
    if (this.lastScored?.key !== key) this.lastScored = { key, byTeam: new Map() };
    return this.lastScored.byTeam;
  }

  /** The org's areas and teams as of these checkpoints: every date asked about shares them. */
  private orgRecords(state: string): { areas: AreaRecord[]; teams: TeamRecord[] } {
    if (this.org?.state !== state) this.org = { state, areas: this.sql.areas.all(), teams: this.sql.teams.all() };
    return this.org;
  }

  /** A team's week-end scores in a cycle as far as they were scored from these facts, size and cycle dates; emptied when any of them changed. */
  private weeksOf(cycle: CycleSummary, team: TeamRecord, facts: TeamFacts): number[] {
    let teams = this.weeks.get(cycle.cycleId);
    if (teams === undefined) {
      if (this.weeks.size >= CACHED_TREND_CYCLES) this.weeks.delete(this.weeks.keys().next().value!);
      teams = new Map();
      this.weeks.set(cycle.cycleId, teams);
    }
    const known = teams.get(team.teamId);
    if (known?.facts === facts) return known.overall;
    const key = JSON.stringify([cycle.startsOn, cycle.endsOn, cycle.checkInCadenceDays, team.size, facts]);
    if (known?.key === key) {
      known.facts = facts;
      return known.overall;
    }
    const fresh: TeamWeeks = { facts, key, overall: [] };
    teams.set(team.teamId, fresh);
    return fresh.overall;
  }

  private computeNow(cycleId: string, asOf: string, state: string, under: string | null): Computed | null {
    const cycle = this.sql.cycle.get(cycleId);
    if (!cycle) return null;

    let summarised = this.summarised.get(cycleId);
    if (summarised?.state !== state) {
      summarised = { state, facts: this.summarisedFacts(cycleId) };
      this.summarised.set(cycleId, summarised);
    }
    const facts = summarised.facts;

    const { areas: records, teams: teamRecords } = this.orgRecords(state);
    const byId = new Map(records.map((a) => [a.areaId, a]));
    /** An area's parent in the tree: one this store does not know makes it a root. */
    const parentOf = (area: AreaRecord): string | null =>
      area.parentAreaId !== null && byId.has(area.parentAreaId) ? area.parentAreaId : null;
    const childrenOf = new Map<string | null, AreaRecord[]>();
    for (const area of records) listIn(childrenOf, parentOf(area)).push(area);
    const top = under === null ? (childrenOf.get(null) ?? []) : [byId.get(under)].filter((a) => a !== undefined);
    const inScope = new Set<string>();
    const enter = (area: AreaRecord): void => {
      inScope.add(area.areaId);
      for (const child of childrenOf.get(area.areaId) ?? []) enter(child);
    };
    for (const area of top) enter(area);

    // Each team is scored once and added to its area's sums; an area's row adds its children's
    // sums to its own, so no area walks its descendants' teams again.
    const dates = seriesDates(cycle, asOf);
    const emptySums = (): Sums => ({ tally: emptyTally(), series: dates.map(() => 0) });
    const own = new Map<string, Sums>();
    const scored: ScoredTeam[] = [];
    const scoredIn = new Map<string, ScoredTeam[]>();
    const scoredOn = this.scoredOn(`${state}|${cycleId}@${asOf}`);
    for (const team of teamRecords) {
      if (under !== null && !inScope.has(team.areaId)) continue;
      let scoredTeam = scoredOn.get(team.teamId);
      if (scoredTeam === undefined) {
        const teamFacts = facts.get(team.teamId) ?? noFacts;
        const assessment = assessTeam(teamFacts, team.size, cycle, asOf);
        const overallByDate = this.overallByDate(cycle, team, teamFacts, dates, assessment.scores.overall);
        scoredTeam = { team, assessment, overallByDate, row: null };
        scoredOn.set(team.teamId, scoredTeam);
      }
      scored.push(scoredTeam);
      listIn(scoredIn, team.areaId).push(scoredTeam);
      const { assessment, overallByDate } = scoredTeam;
      let sums = own.get(team.areaId);
      if (sums === undefined) {
        sums = emptySums();
        own.set(team.areaId, sums);
      }
      addTeam(sums.tally, team.size, assessment);
      addSeries(sums.series, team.size, overallByDate);
    }

    const everyone = emptyTally();
    for (const sums of own.values()) addTally(everyone, sums.tally);
    const signals = new Map(this.sql.openSignals.all(asOf, asOf).map((s) => [s.area_id, s]));
    interface Subtree {
      /** The area's row, then its descendants' in tree order. */
      rows: AreaRow[];
      sums: Sums;
      open: number;
      highest: number | null;
    }
    const visit = (area: AreaRecord, depth: number): Subtree => {
      const children = (childrenOf.get(area.areaId) ?? []).map((child) => visit(child, depth + 1));
      const signal = signals.get(area.areaId);
      const sums = emptySums();
      const ownSums = own.get(area.areaId);
      for (const part of ownSums === undefined ? children.map((c) => c.sums) : [ownSums, ...children.map((c) => c.sums)]) {
        addTally(sums.tally, part.tally);
        addSeries(sums.series, 1, part.series);
      }
      const severities = [signal?.highest ?? null, ...children.map((c) => c.highest)].filter((s): s is number => s !== null);
      const open = (signal?.open ?? 0) + children.reduce((sum, c) => sum + c.open, 0);
      const highest = severities.length === 0 ? null : Math.max(...severities);
      const { scores, stage, freshness } = assessTally(sums.tally);
      const trend = seriesOf(sums.tally.people, sums.series, dates);
      const row: AreaRow = {
        ...area,
        depth,
        teamCount: sums.tally.teams,
        people: sums.tally.people,
        scores,
        stage,
        freshness,
        openSignals: open,
        highestSeverity: highest,
        trend,
        forecast: forecast(trend, stage, cycle.endsOn),
      };
      return { rows: [row, ...children.flatMap((c) => c.rows)], sums, open, highest };
    };
    const depthOf = (area: AreaRecord): number => {
      const parent = parentOf(area);
      return parent === null ? 0 : 1 + depthOf(byId.get(parent)!);
    };
    const areas = top.flatMap((area) => visit(area, depthOf(area)).rows);

    const rowOf = (scoredTeam: ScoredTeam): TeamRow => {
      if (scoredTeam.row === null) {
        const { team, assessment, overallByDate } = scoredTeam;
        const trend = dates.map((on, i) => ({ on, score: overallByDate[i]! }));
        const { scores, stage, checkIn } = assessment;
        scoredTeam.row = { ...team, scores, stage, checkIn, trend, forecast: forecast(trend, stage, cycle.endsOn) };
      }
      return scoredTeam.row;
    };
    const areaById = new Map(areas.map((area) => [area.areaId, area]));
    const detail = (areaId: string, paging?: TeamPaging): AreaDetail | undefined => {
      const area = areaById.get(areaId);
      if (area === undefined) return undefined;
      const own = scoredIn.get(areaId) ?? [];
      const { page, more } = paging === undefined ? { page: own, more: 0 } : pageOfTeams(own, paging);
      const teams = once(() => page.map(rowOf));
      return {
        area,
        get teams() {
          return teams();
        },
        ownTeams: own.length,
        more,
        children: areas.filter((child) => child.parentAreaId === areaId),
      };
    };
    const scoredById = new Map(scored.map((scoredTeam) => [scoredTeam.team.teamId, scoredTeam]));
    const team = (teamId: string): TeamRow | undefined => {
      const scoredTeam = scoredById.get(teamId);
      return scoredTeam && rowOf(scoredTeam);
    };
    return {
      cycle,
      areas,
      organisation: assessTally(everyone).scores,
      teams: once(() => scored.map(rowOf)),
      detail,
      team,
      scoredTeams: scored.length,
    };
  }

  /** A team's overall score on each series date: the week ends from `weeksOf`, scored once per cycle; the last, `asOf`, is `overall`. */
  private overallByDate(cycle: CycleSummary, team: TeamRecord, facts: TeamFacts, dates: readonly string[], overall: number): number[] {
    const weeks = this.weeksOf(cycle, team, facts);
    const last = dates.length - 1;
    for (let i = weeks.length; i < last; i++) weeks.push(scoreTeam(facts, team.size, cycle, dates[i]!).scores.overall);
    const byDate = weeks.slice(0, last);
    byDate.push(overall);
    return byDate;
  }
}
