/** What the heatmap read side answers; the web renders these and nothing else. */

import type { Forecast } from '../../src/adoption/forecast.ts';
import type { AdoptionFact, CheckInFreshness, Dimension, Scores, Stage } from '../../src/adoption/model.ts';
import type { WeeklyScore } from '../../src/adoption/trend.ts';

// The vocabulary belongs to the adoption model (src/adoption); re-exported so the web reads one contract.
export { checkInFreshnesses, dimensions, stages } from '../../src/adoption/model.ts';
export type { CheckInFreshness, Dimension, Forecast, Scores, Stage, WeeklyScore };

/** How the overall score moved and where it is heading: what a row's sparkline and forecast show. */
export interface Trend {
  /** The overall score at the end of each ISO week of the cycle before the date asked about, then on that date. */
  trend: WeeklyScore[];
  /** When the next stage is reached at the pace of the last weeks. */
  forecast: Forecast;
}

export interface CycleSummary {
  cycleId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
  closedOn: string | null;
}

export interface TeamRow extends Trend {
  teamId: string;
  key: string;
  name: string;
  areaId: string;
  size: number;
  scores: Scores;
  stage: Stage;
  checkIn: { freshness: CheckInFreshness; lastHeldOn: string | null; held: number; expected: number };
}

export interface AreaRow extends Trend {
  areaId: string;
  code: string;
  name: string;
  parentAreaId: string | null;
  /** 0 for top-level areas. */
  depth: number;
  /** Teams in this area and its descendants. */
  teamCount: number;
  people: number;
  /** Size-weighted over the area's teams and descendants' teams; null when it has no teams. */
  scores: Scores | null;
  stage: Stage;
  freshness: Record<CheckInFreshness, number>;
  openSignals: number;
  highestSeverity: number | null;
}

export interface Heatmap {
  cycle: CycleSummary;
  /** Business date the scores are computed for (inclusive). */
  asOf: string;
  areas: AreaRow[];
  /** Every team, by key: each area's own are those with its `areaId`. */
  teams: TeamRow[];
  /** Size-weighted across every team; null with no teams. */
  organisation: Scores | null;
}

/** One team and the area it belongs to: the head of the team page. */
export type TeamDetail = TeamRow & { area: AreaRow };

export interface AreaDetail {
  area: AreaRow;
  /** The area's own teams (not its child areas'), by key: every one, or the page asked for. */
  teams: TeamRow[];
  /** How many teams it has of its own, paged or not. */
  ownTeams: number;
  /** How many of its own teams come after `teams`: 0 unless a page was asked for. */
  more: number;
  children: AreaRow[];
}

/** Where a page of an area's teams starts: after the team with this key and id (teams sort by key, then id). */
export interface TeamCursor {
  key: string;
  teamId: string;
}

/** A page of an area's own teams: at most `limit`, after `after` (the first page without it). */
export interface TeamPaging {
  limit: number;
  after?: TeamCursor | undefined;
}

/** A fact behind a score: the event that produced it (put in words from the timeline's copy of it), so a number can be traced. */
export interface ScoreEvidence {
  eventId: string;
  position: string;
  type: string;
  on: string;
  /** The fact as the adoption model reads it, so the page can show how the score was computed. */
  fact: AdoptionFact;
  /** Where it sits in the evidence's order, for the page before or after it. */
  cursor: string;
}

/** One page of the evidence: at most `limit` facts, after or before a fact's `cursor` (the first page with neither). */
export interface EvidencePaging {
  limit: number;
  after?: string | undefined;
  before?: string | undefined;
}

/** What a score is computed from, and how many events of each type lie behind it, without loading every one. */
export interface EvidenceSummary {
  /** Every fact that moves the score (progress reports and missed check-ins are evidence only). */
  scored: AdoptionFact[];
  /** The events behind it by type, in the order each type first occurs. */
  byType: { type: string; count: number }[];
}

export interface HeatmapQueries {
  cycles(): CycleSummary[];
  /** The cycle to show by default: the open one containing `today`, else the latest. */
  defaultCycle(today: string): CycleSummary | null;
  heatmap(cycleId: string, asOf: string): Heatmap | null;
  /** An area, its child areas and its own teams: every one, or a page of them (keyset). */
  area(areaId: string, cycleId: string, asOf: string, paging?: TeamPaging): AreaDetail | null;
  team(teamId: string, cycleId: string, asOf: string): TeamDetail | null;
  /** The facts behind one dimension of a team's scores, or behind all of them (`null`: the overall score), in date order; every one or a page. */
  evidence(teamId: string, cycleId: string, dimension: Dimension | null, asOf: string, paging?: EvidencePaging): ScoreEvidence[];
  evidenceSummary(teamId: string, cycleId: string, dimension: Dimension | null, asOf: string): EvidenceSummary;
  /** The key results a team has reported progress on in a cycle (their `keyResultRef`s), in order. */
  keyResults(teamId: string, cycleId: string): string[];
  /** An area's forecast as of a date (null for an unknown area or cycle): asked twice, it says how the forecast changed between two dates. */
  areaForecast(areaId: string, cycleId: string, asOf: string): Forecast | null;
}
