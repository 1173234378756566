import { addDays } from '../../src/adoption/calendar.ts';
import {
  type AdoptionFact,
  assessArea,
  assessTeam,
  dimensionOf,
  learnWindowStart,
  rollUp,
  TREND_DAYS,
  type TeamAssessment,
} from '../../src/adoption/model.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { adoptionProjection, type FactRow, scoredInCycle } from '../adoption.ts';
import { orgProjection } from '../org.ts';
import { CHECKPOINTS_SCHEMA } from '../runner.ts';
import { signalsProjection } from '../signals.ts';
import type { AreaDetail, AreaRow, CycleSummary, Dimension, Heatmap, HeatmapQueries, ScoreEvidence, TeamDetail, TeamRow } from './types.ts';

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
  teams: TeamRow[];
  /** Areas in tree order (depth first, siblings by code). */
  areas: AreaRow[];
}

const cycleColumns = 'cycle_id AS cycleId, name, starts_on AS startsOn, ends_on AS endsOn, check_in_cadence_days AS checkInCadenceDays, closed_on AS closedOn';

const labels: Record<AdoptionFact['kind'], string> = {
  training: 'Training completed',
  drafted: 'OKRs drafted',
  published: 'OKRs published',
  aligned: 'OKRs aligned',
  'check-in-held': 'Check-in held',
  'check-in-missed': 'Check-in missed',
  'key-result-progress': 'Key result progress reported',
  review: 'Cycle review held',
  retrospective: 'Retrospective held',
};

const pct = (fraction: number): string => `${Math.round(fraction * 100)}%`;

/** One line saying what a fact recorded, for the evidence list behind a heatmap cell. */
function summarize(fact: FactRow): string {
  const details = [
    fact.training_kind && `${fact.training_kind}, ${fact.participants ?? 0} participants`,
    fact.objectives !== null && `${fact.objectives} objectives, ${fact.key_results ?? 0} key results`,
    fact.ref && (fact.kind === 'aligned' ? `to ${fact.ref}` : fact.ref),
    fact.progress !== null && `progress ${pct(fact.progress)}`,
    fact.attendance !== null && `attendance ${pct(fact.attendance)}`,
    fact.confidence !== null && `confidence ${pct(fact.confidence)}`,
    fact.actions !== null && `${fact.actions} actions`,
    fact.reason,
  ].filter((d): d is string => typeof d === 'string' && d !== '');
  return details.length === 0 ? labels[fact.kind] : `${labels[fact.kind]}: ${details.join(', ')}`;
}

/** Heatmaps kept per read-model state; a few (cycle, asOf) pairs are asked for again and again. */
const CACHED_HEATMAPS = 32;

/**
 * The heatmap read side over the org, adoption and signals tables. Facts are loaded in two
 * queries on covering indexes (the cycle's scored facts up to asOf, the trainings in the learn
 * window) and scored in memory by the adoption model. Results are cached until a checkpoint
 * moves: the runner changes a read model only together with its checkpoint. Results are shared
 * between callers, so they must not be mutated.
 */
export class SqliteHeatmapQueries implements HeatmapQueries {
  private readonly sql;
  private cache = { state: '', computed: new Map<string, Computed | null>() };

  constructor(db: SqlDatabase) {
    db.exec(CHECKPOINTS_SCHEMA);
    for (const projection of [orgProjection, adoptionProjection, signalsProjection]) projection.setUp(db);
    this.sql = {
      state: db.prepare<[], { state: string | null }>(
        "SELECT group_concat(checkpoint) AS state FROM (SELECT projection || ':' || position AS checkpoint FROM projection_checkpoints ORDER BY projection)",
      ),
      cycles: db.prepare<[], CycleSummary>(`SELECT ${cycleColumns} FROM org_cycles ORDER BY starts_on DESC, cycle_id`),
      cycle: db.prepare<[string], CycleSummary>(`SELECT ${cycleColumns} FROM org_cycles WHERE cycle_id = ?`),
      areas: db.prepare<[], AreaRecord>('SELECT area_id AS areaId, code, name, parent_area_id AS parentAreaId FROM org_areas ORDER BY code, area_id'),
      teams: db.prepare<[], TeamRecord>('SELECT team_id AS teamId, key, name, area_id AS areaId, size FROM org_teams ORDER BY key, team_id'),
      cycleFacts: db.prepare<[string, string], { team_id: string; kind: Exclude<AdoptionFact['kind'], 'training'>; on_date: string }>(
        `SELECT team_id, kind, on_date FROM adoption_facts WHERE cycle_id = ? AND ${scoredInCycle} AND on_date <= ?`,
      ),
      trainings: db.prepare<[string, string], { team_id: string; on_date: string; training_kind: string; participants: number }>(
        "SELECT team_id, on_date, training_kind, participants FROM adoption_facts WHERE kind = 'training' AND on_date BETWEEN ? AND ?",
      ),
      openSignals: db.prepare<[string, string], { area_id: string; open: number; highest: number }>(`
        SELECT area_id, count(*) AS open, max(severity) AS highest FROM signals
        WHERE raised_on <= ? AND (resolved_on IS NULL OR resolved_on > ?) GROUP BY area_id`),
      teamFacts: db.prepare<[string, string, string, string], FactRow>(`
        SELECT * FROM adoption_facts
        WHERE team_id = ? AND on_date <= ? AND ((kind = 'training' AND on_date >= ?) OR (kind <> 'training' AND cycle_id = ?))
        ORDER BY on_date, rowid`),
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
    return { cycle: computed.cycle, asOf, areas: computed.areas, organisation: rollUp(computed.teams) };
  }

  area(areaId: string, cycleId: string, asOf: string): AreaDetail | null {
    const computed = this.compute(cycleId, asOf);
    const area = computed?.areas.find((a) => a.areaId === areaId);
    if (!computed || !area) return null;
    return {
      area,
      teams: computed.teams.filter((t) => t.areaId === areaId),
      children: computed.areas.filter((a) => a.parentAreaId === areaId),
    };
  }

  team(teamId: string, cycleId: string, asOf: string): TeamDetail | null {
    const computed = this.compute(cycleId, asOf);
    const team = computed?.teams.find((t) => t.teamId === teamId);
    const area = team && computed?.areas.find((a) => a.areaId === team.areaId);
    return team && area ? { ...team, area } : null;
  }

  evidence(teamId: string, cycleId: string, dimension: Dimension, asOf: string): ScoreEvidence[] {
    return this.sql.teamFacts
      .all(teamId, asOf, learnWindowStart(asOf), cycleId)
      .filter((f) => dimensionOf[f.kind] === dimension)
      .map((f) => ({ eventId: f.event_id, position: f.position, type: f.event_type, on: f.on_date, summary: summarize(f) }));
  }

  private compute(cycleId: string, asOf: string): Computed | null {
    const state = this.sql.state.get()?.state ?? '';
    if (state !== this.cache.state) this.cache = { state, computed: new Map() };
    const key = `${cycleId}@${asOf}`;
    if (this.cache.computed.has(key)) return this.cache.computed.get(key)!;
    const computed = this.computeNow(cycleId, asOf);
    if (this.cache.computed.size >= CACHED_HEATMAPS) this.cache.computed.delete(this.cache.computed.keys().next().value!);
    this.cache.computed.set(key, computed);
    return computed;
  }

  private computeNow(cycleId: string, asOf: string): Computed | null {
    const cycle = this.sql.cycle.get(cycleId);
    if (!cycle) return null;

    const facts = new Map<string, AdoptionFact[]>();
    const factsOf = (teamId: string): AdoptionFact[] => {
      let list = facts.get(teamId);
      if (!list) facts.set(teamId, (list = []));
      return list;
    };
    for (const f of this.sql.cycleFacts.all(cycleId, asOf)) factsOf(f.team_id).push({ kind: f.kind, on: f.on_date });
    // The trend looks TREND_DAYS back, so the window reaches that much further.
    for (const t of this.sql.trainings.all(learnWindowStart(addDays(asOf, -TREND_DAYS)), asOf)) {
      factsOf(t.team_id).push({ kind: 'training', on: t.on_date, trainingKind: t.training_kind, participants: t.participants });
    }

    const assessed = new Map<string, TeamAssessment & { size: number }>();
    const teams: TeamRow[] = this.sql.teams.all().map((team) => {
      const assessment = assessTeam(facts.get(team.teamId) ?? [], team.size, cycle, asOf);
      assessed.set(team.teamId, { ...assessment, size: team.size });
      return { ...team, scores: assessment.scores, stage: assessment.stage, checkIn: assessment.checkIn };
    });

    const signals = new Map(this.sql.openSignals.all(asOf, asOf).map((s) => [s.area_id, s]));
    const records = this.sql.areas.all();
    const known = new Set(records.map((a) => a.areaId));
    const childrenOf = new Map<string | null, AreaRecord[]>();
    for (const area of records) {
      const parent = area.parentAreaId !== null && known.has(area.parentAreaId) ? area.parentAreaId : null;
      childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), area]);
    }
    const teamsIn = new Map<string, TeamRecord[]>();
    for (const team of teams) teamsIn.set(team.areaId, [...(teamsIn.get(team.areaId) ?? []), team]);

    interface Subtree {
      /** The area's row, then its descendants' in tree order. */
      rows: AreaRow[];
      teams: TeamRecord[];
      open: number;
      highest: number | null;
    }
    const visit = (area: AreaRecord, depth: number): Subtree => {
      const children = (childrenOf.get(area.areaId) ?? []).map((child) => visit(child, depth + 1));
      const own = signals.get(area.areaId);
      const teamsBelow = [...(teamsIn.get(area.areaId) ?? []), ...children.flatMap((c) => c.teams)];
      const severities = [own?.highest ?? null, ...children.map((c) => c.highest)].filter((s): s is number => s !== null);
      const open = (own?.open ?? 0) + children.reduce((sum, c) => sum + c.open, 0);
      const highest = severities.length === 0 ? null : Math.max(...severities);
      const { scores, stage, freshness } = assessArea(teamsBelow.map((t) => assessed.get(t.teamId)!));
      const row: AreaRow = {
        ...area,
        depth,
        teamCount: teamsBelow.length,
        people: teamsBelow.reduce((sum, t) => sum + t.size, 0),
        scores,
        stage,
        freshness,
        openSignals: open,
        highestSeverity: highest,
      };
      return { rows: [row, ...children.flatMap((c) => c.rows)], teams: teamsBelow, open, highest };
    };
    const areas = (childrenOf.get(null) ?? []).flatMap((root) => visit(root, 0).rows);

    return { cycle, teams, areas };
  }
}
