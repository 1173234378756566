/**
 * The leadership digest of one ISO week: the areas that moved most up and down (with the facts
 * that moved them), the signals raised and escalated, the stalled areas and the stakeholders
 * who moved. `readDigest` asks the read models; everything else here is pure, and the one
 * `Digest` it returns is what both the page (`views/pages/digest.eta`) and the Markdown
 * (`digestMarkdown`) print, so the two cannot say different things.
 */
import type { AreaFacts, DigestQueries, StakeholderMove, WeekFact, WeekSignal } from '../../projections/digest/queries.ts';
import type { AreaRow, CycleSummary, Heatmap, HeatmapQueries } from '../../projections/heatmap/types.ts';
import type { TimelineEntry, TimelineQueries } from '../../projections/timeline.ts';
import { addDays, daysBetween, formatDate } from '../adoption/calendar.ts';
import type { Forecast } from '../adoption/forecast.ts';
import { describeEvent } from '../describe.ts';
import { areaUrl, evidenceUrl, signalPath, stakeholderPath, teamUrl } from '../http/urls.ts';
import { timelineUrl } from '../overview/timelineView.ts';
import { forecastView } from '../overview/trend.ts';
import { attitudeLabels } from '../overview/viewModels.ts';
import { kindLabels, severityLabels } from '../resistance/vocabulary.ts';
import { ruleLabels } from '../rules/vocabulary.ts';
import type { Names } from '../shared/names.ts';
import { labelOf, plural, signed } from '../shared/vocabulary.ts';
import { adkarSteps, attitudeSteps } from '../stakeholder/model.ts';
import { adkarLabels } from '../stakeholder/vocabulary.ts';
import { addWeeks, compareWeeks, daysOf, type IsoWeek, isoWeekOf, weekText } from '../adoption/isoWeek.ts';

/** How many areas each way, and how many of an area's facts, the digest lists. */
export const MOVERS_EACH_WAY = 5;
export const FACTS_PER_AREA = 5;
/** An area whose overall score is the same at the end of the week and at the ends of this many weeks before it has stalled. */
export const STALLED_WEEKS = 3;

export const MOVERS_RULE =
  "Each area's overall score as the heatmap computes it as of the day before the week against its last day; the largest rises and falls, " +
  `at most ${MOVERS_EACH_WAY} each way, with the team adoption facts of the week behind them (key-result progress left out).`;
export const STALLED_RULE =
  `An area with teams is stalled when none of its teams (or those of the areas below it) recorded an adoption fact in the week, ` +
  `or when its overall score was the same at the end of the week and at the ends of the ${STALLED_WEEKS} weeks before it.`;
/** A forecast date that moved by at least this many days is a change worth a leader's eye. */
export const FORECAST_SHIFT_DAYS = 7;
export const FORECASTS_RULE =
  `Each area's forecast of its next stage (docs/adoption-model.md) as of the day before the week against its last day: ` +
  `listed when what it says changed (a stage reached, a pace lost or found) or its date moved by ${FORECAST_SHIFT_DAYS} days or more; ` +
  `at most ${2 * MOVERS_EACH_WAY}, changes of kind first, then the largest shifts.`;
export const STAKEHOLDERS_RULE =
  'Stakeholders whose attitude or ADKAR stage differs at the end of the week from before it, by their assessments in the week; biggest moves first.';

/** Each section's heading and what it says when empty, the same on the page and in the Markdown. */
export const DIGEST_SECTIONS = {
  up: { heading: 'Areas that moved up', empty: 'No area’s overall score rose this week.' },
  down: { heading: 'Areas that moved down', empty: 'No area’s overall score fell this week.' },
  raised: { heading: 'New signals', empty: 'No resistance signal was raised this week.' },
  escalated: { heading: 'Escalated signals', empty: 'No signal was escalated this week.' },
  stalled: { heading: 'Stalled areas', empty: 'No area has stalled.' },
  forecasts: { heading: 'Forecast changes', empty: 'No area’s forecast changed or moved by a week or more.' },
  stakeholders: { heading: 'Stakeholders who moved', empty: 'No stakeholder’s attitude or ADKAR stage changed this week.' },
} as const;

/** Without a cycle over the week there is no score to compare. */
export const NO_CYCLE = 'No OKR cycle ran during this week, so there are no scores to compare.';

export interface Link {
  label: string;
  href: string;
}

export interface DigestFact {
  on: string;
  summary: string;
  team: Link;
  /** The evidence behind the team's overall score, as of the week's end, where the fact is listed. */
  evidence: string;
}

export interface Mover {
  area: Link & { code: string };
  from: number;
  to: number;
  change: string;
  facts: DigestFact[];
  /** How many of its facts in the week are not listed ("3 more facts"), or null. */
  more: string | null;
  timeline: string;
}

export interface DigestSignal {
  signal: Link;
  severity: { value: number; label: string };
  kind: string;
  where: string;
  source: string;
  on: string;
  escalatedTo: string | null;
}

export interface StalledArea {
  area: Link;
  score: number;
  reasons: string[];
}

export interface ForecastChange {
  area: Link;
  before: string;
  after: string;
  /** `sooner` or `later`: the same next stage, its date moved; `changed`: the forecast says something else. */
  direction: 'sooner' | 'later' | 'changed';
}

export interface StakeholderMoved {
  stakeholder: Link;
  role: string;
  area: string;
  changes: string[];
  /** The day of their last assessment in the week. */
  on: string;
  /** `first`: assessed for the first time, so no step up or down. */
  direction: 'better' | 'worse' | 'mixed' | 'first';
}

export interface Digest {
  title: string;
  /** `progress`: for the current week, how far it reads ("in progress: up to 25 Nov 2026"). */
  week: { text: string; label: string; progress: string | null };
  /** The weeks either side, for the picker; no next week after the current one. */
  previous: Link;
  next: Link | null;
  /** The latest week the picker offers: the current one. */
  latest: string;
  cycle: { name: string; scoredFrom: string; scoredTo: string } | null;
  up: Mover[];
  down: Mover[];
  raised: DigestSignal[];
  escalated: DigestSignal[];
  stalled: StalledArea[];
  forecasts: ForecastChange[];
  stakeholders: StakeholderMoved[];
  rules: { movers: string; stalled: string; forecasts: string; stakeholders: string };
  sections: typeof DIGEST_SECTIONS;
  noCycle: string;
}

export const digestUrl = (week: IsoWeek): string => `/digest?week=${weekText(week)}`;

/** The cycle the week belongs to: the latest-starting one that overlaps it. */
export function cycleOfWeek(cycles: readonly CycleSummary[], from: string, to: string): CycleSummary | null {
  return cycles.filter((c) => c.startsOn <= to && c.endsOn >= from).sort((a, b) => b.startsOn.localeCompare(a.startsOn))[0] ?? null;
}

/** The area and every area above it, by the heatmap's tree. */
function lineage(areaId: string, parents: ReadonlyMap<string, string | null>): string[] {
  const chain: string[] = [];
  for (let at: string | null | undefined = areaId; at != null && !chain.includes(at); at = parents.get(at)) chain.push(at);
  return chain;
}

/** How many facts an area's teams recorded in the week, and the newest FACTS_PER_AREA of them, newest first. */
export type FactsOfArea = Omit<AreaFacts, 'areaId'>;

/** The order the digest lists facts in (as the query ranks them): newest first, then the later event, then by team. */
const newestFirst = (a: WeekFact, b: WeekFact): number =>
  (a.on === b.on ? 0 : a.on < b.on ? 1 : -1) ||
  Number(b.position) - Number(a.position) ||
  (a.teamId === b.teamId ? 0 : a.teamId < b.teamId ? -1 : 1) ||
  (a.kind === b.kind ? 0 : a.kind < b.kind ? -1 : 1);

/** Each area's facts, its own teams' and those of the areas below it, from each area's own. */
export function factsByArea(own: readonly AreaFacts[], areas: readonly AreaRow[]): Map<string, FactsOfArea> {
  const parents = new Map(areas.map((a) => [a.areaId, a.parentAreaId]));
  const byArea = new Map<string, FactsOfArea>();
  for (const { areaId: teamsArea, count, latest } of own)
    for (const areaId of lineage(teamsArea, parents)) {
      const facts = byArea.get(areaId);
      if (facts === undefined) byArea.set(areaId, { count, latest: [...latest] });
      else {
        facts.count += count;
        facts.latest.push(...latest);
      }
    }
  for (const facts of byArea.values()) facts.latest = facts.latest.sort(newestFirst).slice(0, FACTS_PER_AREA);
  return byArea;
}

interface Change {
  area: AreaRow;
  from: number;
  to: number;
}

/** Areas with teams at both ends of the week whose overall score changed: the largest rises and the largest falls. */
export function movers(start: Heatmap, end: Heatmap): { up: Change[]; down: Change[] } {
  const before = new Map(start.areas.map((a) => [a.areaId, a.scores?.overall ?? null]));
  const changes = end.areas.flatMap((area): Change[] => {
    const from = before.get(area.areaId);
    const to = area.scores?.overall;
    return from == null || to === undefined || from === to ? [] : [{ area, from, to }];
  });
  const byName = (a: Change, b: Change) => a.area.name.localeCompare(b.area.name);
  return {
    up: changes
      .filter((c) => c.to > c.from)
      .sort((a, b) => b.to - b.from - (a.to - a.from) || byName(a, b))
      .slice(0, MOVERS_EACH_WAY),
    down: changes
      .filter((c) => c.to < c.from)
      .sort((a, b) => a.to - a.from - (b.to - b.from) || byName(a, b))
      .slice(0, MOVERS_EACH_WAY),
  };
}

/**
 * Areas with teams that stalled (STALLED_RULE): `ends` are the heatmaps as of the end of the week
 * and of the weeks before it, latest first; the unchanged-score test needs all of them.
 */
export function stalledAreas(
  ends: readonly Heatmap[],
  factsOf: ReadonlyMap<string, FactsOfArea>,
): { area: AreaRow; score: number; quiet: boolean; unchangedSince: string | null }[] {
  const [end, ...earlier] = ends;
  if (end === undefined) return [];
  const earliest = earlier.at(-1);
  const overalls = earlier.map((h) => new Map(h.areas.map((a) => [a.areaId, a.scores?.overall])));
  return end.areas.flatMap((area) => {
    const score = area.scores?.overall;
    if (score === undefined) return [];
    const quiet = (factsOf.get(area.areaId)?.count ?? 0) === 0;
    const same = earlier.length === STALLED_WEEKS && overalls.every((scores) => scores.get(area.areaId) === score);
    return quiet || same ? [{ area, score, quiet, unchangedSince: same && earliest ? earliest.asOf : null }] : [];
  });
}

interface ForecastShift {
  area: AreaRow;
  before: Forecast;
  after: Forecast;
  shift: number | null;
}

/**
 * Areas whose forecast changed over the week (FORECASTS_RULE): `shift` is how many days its date
 * moved (negative: sooner), null when the forecast changed in kind or in the stage it aims at.
 */
export function forecastChanges(start: Heatmap, end: Heatmap): ForecastShift[] {
  const before = new Map(start.areas.map((a) => [a.areaId, a.forecast]));
  return end.areas
    .flatMap((area): ForecastShift[] => {
      const was = before.get(area.areaId);
      const now = area.forecast;
      if (was === undefined || area.scores === null) return [];
      if (was.kind === 'expected' && now.kind === 'expected' && was.next.stage === now.next.stage) {
        const shift = daysBetween(was.on, now.on);
        return Math.abs(shift) >= FORECAST_SHIFT_DAYS ? [{ area, before: was, after: now, shift }] : [];
      }
      return forecastView(was).short === forecastView(now).short ? [] : [{ area, before: was, after: now, shift: null }];
    })
    .sort(
      (a, b) =>
        (a.shift === null ? -1 : 0) - (b.shift === null ? -1 : 0) ||
        Math.abs(b.shift ?? 0) - Math.abs(a.shift ?? 0) ||
        a.area.name.localeCompare(b.area.name),
    )
    .slice(0, 2 * MOVERS_EACH_WAY);
}

const assessed = (labels: Readonly<Record<string, string>>, value: string | null): string =>
  value === null ? 'not assessed' : labelOf(labels, value);

/** The stakeholders whose attitude or ADKAR stage changed over the week, biggest moves first. */
export function stakeholdersMoved(moves: readonly StakeholderMove[]): StakeholderMoved[] {
  return moves
    .flatMap((move) => {
      const was = move.before ?? { attitude: null, adkarStage: null };
      const changes: string[] = [];
      if (was.attitude !== move.after.attitude)
        changes.push(`Attitude ${assessed(attitudeLabels, was.attitude)} → ${assessed(attitudeLabels, move.after.attitude)}`);
      if (was.adkarStage !== move.after.adkarStage)
        changes.push(`ADKAR ${assessed(adkarLabels, was.adkarStage)} → ${assessed(adkarLabels, move.after.adkarStage)}`);
      if (changes.length === 0) return [];
      const attitude = attitudeSteps(was.attitude, move.after.attitude) ?? 0;
      const adkar = adkarSteps(was.adkarStage, move.after.adkarStage) ?? 0;
      // No step on either ladder, yet a change: a first assessment.
      const direction: StakeholderMoved['direction'] =
        attitude === 0 && adkar === 0 ? 'first' : attitude >= 0 && adkar >= 0 ? 'better' : attitude <= 0 && adkar <= 0 ? 'worse' : 'mixed';
      const item: StakeholderMoved = {
        stakeholder: { label: move.name, href: stakeholderPath(move.stakeholderId) },
        role: move.role,
        area: move.area.name ?? move.area.areaId,
        changes,
        on: formatDate(move.lastOn),
        direction,
      };
      return [{ item, size: Math.abs(attitude) * 10 + Math.abs(adkar) }];
    })
    .sort((a, b) => b.size - a.size || a.item.stakeholder.label.localeCompare(b.item.stakeholder.label))
    .map(({ item }) => item);
}

function signalItem(signal: WeekSignal, on: string): DigestSignal {
  const where = [signal.area.name ?? signal.area.areaId, signal.team?.name ?? signal.team?.teamId, signal.stakeholder?.name]
    .filter((part): part is string => typeof part === 'string')
    .join(' · ');
  return {
    signal: { label: signal.description, href: signalPath(signal.signalId) },
    severity: { value: signal.severity, label: labelOf(severityLabels, String(signal.severity)) },
    kind: labelOf(kindLabels, signal.kind),
    where,
    source:
      signal.source === 'rule'
        ? `inferred by a rule${signal.rule === null ? '' : `: ${labelOf(ruleLabels, signal.rule)}`}`
        : signal.source === 'integration'
          ? 'sent by an integration'
          : 'observed by a coach',
    on: formatDate(on),
    escalatedTo: signal.escalatedTo,
  };
}

/** What the read models say about the week, put together; `today` caps the current week. */
export interface DigestReading {
  week: IsoWeek;
  today: string;
  cycle: CycleSummary | null;
  /** As of the end of the week and of the STALLED_WEEKS weeks before, latest first (none without a cycle). */
  ends: Heatmap[];
  /** Each area's own (FACTS_PER_AREA of them at most, and how many). */
  facts: AreaFacts[];
  /** The timeline's entries of the facts listed, to put them in words. */
  entries: TimelineEntry[];
  raised: WeekSignal[];
  escalated: WeekSignal[];
  moves: StakeholderMove[];
}

/** The last day the digest reads: the week's Sunday, or today in the current week. */
const lastDayOf = (week: IsoWeek, today: string): string => {
  const { to } = daysOf(week);
  return to < today ? to : today;
};

/** The sections scored by the heatmap, over a cycle: movers and stalled areas, linked as of the week's last day. */
function scoredSections(reading: DigestReading, cycle: CycleSummary, to: string, names: Names) {
  const [end, start] = reading.ends;
  const byArea = factsByArea(reading.facts, end?.areas ?? []);
  const entries = new Map(reading.entries.map((e) => [e.position, e]));
  const selection = { cycleId: cycle.cycleId, asOf: to, cycleEndsOn: cycle.endsOn };
  const factOf = (fact: WeekFact): DigestFact => {
    const entry = entries.get(fact.position);
    return {
      on: formatDate(fact.on),
      summary: entry === undefined ? fact.kind : describeEvent(entry.event, names),
      team: { label: names.team(fact.teamId), href: teamUrl(fact.teamId, selection) },
      evidence: evidenceUrl({ teamId: fact.teamId, areaId: fact.areaId }, 'overall', selection),
    };
  };
  const moverOf = ({ area, from, to: now }: Change): Mover => {
    const facts = byArea.get(area.areaId) ?? { count: 0, latest: [] };
    const unlisted = facts.count - FACTS_PER_AREA;
    return {
      area: { label: area.name, code: area.code, href: areaUrl(area.areaId, selection) },
      from,
      to: now,
      change: signed(now - from),
      facts: facts.latest.map(factOf),
      more: unlisted > 0 ? plural(unlisted, 'more fact this week', 'more facts this week') : null,
      timeline: timelineUrl({ area: area.areaId }),
    };
  };
  const moved = end !== undefined && start !== undefined ? movers(start, end) : { up: [], down: [] };
  const forecasts = end !== undefined && start !== undefined ? forecastChanges(start, end) : [];
  return {
    up: moved.up.map(moverOf),
    down: moved.down.map(moverOf),
    forecasts: forecasts.map(({ area, before, after, shift }) => ({
      area: { label: area.name, href: areaUrl(area.areaId, selection) },
      before: forecastView(before).text,
      after: forecastView(after).text,
      direction: shift === null ? ('changed' as const) : shift < 0 ? ('sooner' as const) : ('later' as const),
    })),
    stalled: stalledAreas(reading.ends, byArea).map(({ area, score, quiet, unchangedSince }) => ({
      area: { label: area.name, href: areaUrl(area.areaId, selection) },
      score,
      reasons: [
        ...(quiet ? ['no adoption facts recorded this week'] : []),
        ...(unchangedSince === null ? [] : [`overall score ${score} since ${formatDate(unchangedSince)}`]),
      ],
    })),
  };
}

/** The digest of a reading: pure. */
export function digestOf(reading: DigestReading, names: Names): Digest {
  const { week, today, cycle } = reading;
  const { from, to: sunday } = daysOf(week);
  const to = lastDayOf(week, today);
  const current = isoWeekOf(today);
  const scored = cycle === null ? { up: [], down: [], stalled: [], forecasts: [] } : scoredSections(reading, cycle, to, names);
  const weekLink = (w: IsoWeek): Link => ({ label: weekText(w), href: digestUrl(w) });
  return {
    title: `Leadership digest, ${weekText(week)}`,
    week: {
      text: weekText(week),
      label: `${formatDate(from)} – ${formatDate(sunday)}`,
      progress: to < sunday ? `in progress: up to ${formatDate(to)}` : null,
    },
    previous: weekLink(addWeeks(week, -1)),
    next: compareWeeks(week, current) < 0 ? weekLink(addWeeks(week, 1)) : null,
    latest: weekText(current),
    cycle: cycle === null ? null : { name: cycle.name, scoredFrom: formatDate(addDays(from, -1)), scoredTo: formatDate(to) },
    ...scored,
    raised: reading.raised.map((s) => signalItem(s, s.raisedOn)),
    escalated: reading.escalated.map((s) => signalItem(s, s.escalatedOn ?? s.raisedOn)),
    stakeholders: stakeholdersMoved(reading.moves),
    rules: { movers: MOVERS_RULE, stalled: STALLED_RULE, forecasts: FORECASTS_RULE, stakeholders: STAKEHOLDERS_RULE },
    sections: DIGEST_SECTIONS,
    noCycle: NO_CYCLE,
  };
}

export interface DigestSources {
  heatmap: HeatmapQueries;
  digest: DigestQueries;
  timeline: TimelineQueries;
}

/** Reads the week from the read models (never an event stream). */
export function readDigest({ heatmap, digest, timeline }: DigestSources, week: IsoWeek, today: string): DigestReading {
  const { from } = daysOf(week);
  const to = lastDayOf(week, today);
  const cycle = cycleOfWeek(heatmap.cycles(), from, to);
  // The end and the start of the week, then the ends of the weeks before it that fall in the cycle.
  const ends =
    cycle === null
      ? []
      : [to, ...Array.from({ length: STALLED_WEEKS }, (_, i) => addDays(from, -1 - 7 * i))]
          .filter((asOf, i) => i < 2 || asOf >= addDays(cycle.startsOn, -1))
          .flatMap((asOf) => heatmap.heatmap(cycle.cycleId, asOf) ?? []);
  const facts = cycle === null ? [] : digest.facts(cycle.cycleId, from, to, FACTS_PER_AREA);
  return {
    week,
    today,
    cycle,
    ends,
    facts,
    entries: timeline.atPositions(listedFacts(ends, facts)),
    raised: digest.raised(from, to),
    escalated: digest.escalated(from, to),
    moves: digest.stakeholderMoves(from, to),
  };
}

/** The positions of the facts the movers list, so only those are put in words. */
function listedFacts(ends: readonly Heatmap[], facts: readonly AreaFacts[]): string[] {
  const [end, start] = ends;
  if (end === undefined || start === undefined) return [];
  const byArea = factsByArea(facts, end.areas);
  const { up, down } = movers(start, end);
  return [...new Set([...up, ...down].flatMap((c) => (byArea.get(c.area.areaId)?.latest ?? []).map((f) => f.position)))];
}
