/**
 * Inferred resistance: five rules that watch the event stream and raise resistance signals by
 * themselves, and propose resolution when their pattern clears. Pure: the state is a fold of
 * events, "today" comes in with a tick, and every signal's id is a function of the rule's name
 * and the ids of the events that caused it, so a replay or a redelivery infers the same signal.
 * docs/rules.md gives each rule in words with its setting.
 */
import { addDays, daysBetween, laterOf } from '../adoption/calendar.ts';
import { adoptionFactOf, isAdoptionEvent } from '../adoption/facts.ts';
import { type AdoptionFact, type CycleDates, scoredKinds, scoreTeam, sizeWeighted } from '../adoption/model.ts';
import type { z } from 'zod';
import type { UptakeEvent } from '../events.ts';
import type { ResistanceKind } from '../resistance/events.ts';
import { nameBasedUuid } from '../shared/commandHandler.ts';
import type { RecordedEvent } from '../shared/event.ts';
import { initialObjectivesGraph, type ObjectivesGraph, onGraphEvent } from './alignment.ts';
import type { RuleSettings } from './settings.ts';

export const ruleNames = ['missed-check-ins', 'stalled-progress', 'attitude-fall', 'area-score-drop', 'training-without-okrs'] as const;
export type RuleName = (typeof ruleNames)[number];

/** A signal a rule infers: the raise command's data, and the events that caused it. */
export interface Inference {
  rule: RuleName;
  signalId: string;
  areaId: string;
  teamId?: string;
  stakeholderId?: string;
  kind: z.infer<typeof ResistanceKind>;
  severity: number;
  description: string;
  raisedOn: string;
  causes: string[];
}

/** A rule's pattern cleared: it proposes that a coach resolve the signal. */
export interface Clearing {
  rule: RuleName;
  signalId: string;
  proposedOn: string;
  reason: string;
  causes: string[];
}

export interface RuleOutput {
  raised: Inference[];
  cleared: Clearing[];
}

interface Dated {
  eventId: string;
  on: string;
}

interface TeamCycle {
  /** The last check-in outcomes of the cycle, oldest first (at most the threshold's count). */
  checkIns: (Dated & { held: boolean })[];
  /** When the no-progress clock started: OKRs drafted, or the last progress report. */
  progressClock: Dated | null;
}

/**
 * What the state holds changed: a checkpoint of another version is folded again from the first
 * event (what that infers again is recognised by its keys, not recorded twice).
 * 2: the objectives graph, for alignment facts.
 */
export const rulesStateVersion = 2;

export interface RulesState {
  version: number;
  cycles: Record<string, CycleDates & { closed: boolean }>;
  teams: Record<string, { areaId: string; size: number }>;
  teamCycles: Record<string, TeamCycle>;
  facts: Record<string, (AdoptionFact & { cycleId: string | null })[]>;
  stakeholders: Record<string, { areaId: string; attitude: Dated & { step: number }; baseline: number | null }>;
  /** A training not yet followed by drafted OKRs, per team. */
  trainedAwaiting: Record<string, Dated>;
  /** The signals each rule raised that are still watched, by the key of what they watch. */
  open: Record<string, { signalId: string; raisedOn: string }>;
  graph: ObjectivesGraph;
}

export const initialRulesState = (): RulesState => ({
  version: rulesStateVersion,
  cycles: {},
  teams: {},
  teamCycles: {},
  facts: {},
  stakeholders: {},
  trainedAwaiting: {},
  open: {},
  graph: initialObjectivesGraph(),
});

const attitudeSteps: Record<string, number> = { champion: 0, supporter: 1, neutral: 2, skeptic: 3, resistor: 4 };

/** A signal id from the rule and its causes: the same on every replay, every store. */
export const signalIdOf = (rule: RuleName, causes: readonly string[]): string =>
  `rule-${rule}-${nameBasedUuid(`${rule}/${causes.join('/')}`)
    .replaceAll('-', '')
    .slice(0, 20)}`;

const empty = (): RuleOutput => ({ raised: [], cleared: [] });

function raise(state: RulesState, out: RuleOutput, key: string, inference: Omit<Inference, 'signalId'>): void {
  if (state.open[key] !== undefined) return;
  const signalId = signalIdOf(inference.rule, inference.causes);
  state.open[key] = { signalId, raisedOn: inference.raisedOn };
  out.raised.push({ ...inference, signalId });
}

function clear(state: RulesState, out: RuleOutput, key: string, rule: RuleName, on: string, reason: string, causes: string[]): void {
  const open = state.open[key];
  if (open === undefined) return;
  delete state.open[key];
  out.cleared.push({ rule, signalId: open.signalId, proposedOn: laterOf(on, open.raisedOn), reason, causes });
}

/** The cycles each team has a `teamCycles` entry in: derived from the state beside it, not on disk. */
const teamsCycles = new WeakMap<RulesState, Map<string, string[]>>();

function cyclesOfTeam(state: RulesState, teamId: string): string[] {
  let byTeam = teamsCycles.get(state);
  if (byTeam === undefined) {
    byTeam = new Map();
    teamsCycles.set(state, byTeam);
    for (const key of Object.keys(state.teamCycles)) {
      const [team, cycleId] = key.split('/') as [string, string];
      byTeam.set(team, [...(byTeam.get(team) ?? []), cycleId]);
    }
  }
  let cycles = byTeam.get(teamId);
  if (cycles === undefined) {
    cycles = [];
    byTeam.set(teamId, cycles);
  }
  return cycles;
}

const teamCycleOf = (state: RulesState, teamId: string, cycleId: string): TeamCycle => {
  const key = `${teamId}/${cycleId}`;
  if (state.teamCycles[key] === undefined) {
    cyclesOfTeam(state, teamId).push(cycleId);
    state.teamCycles[key] = { checkIns: [], progressClock: null };
  }
  return state.teamCycles[key];
};

/**
 * What the time-based rules watch, by the day it falls due: each team's no-progress clock in a
 * cycle (`s` and its `team/cycle`) and each training awaiting drafted OKRs (`t` and its team), in
 * a heap, so an event finds what fell due before its day without a walk over every team (a
 * million events came team by team, their days going back and forth, and walked thousands of
 * times). Derived from the state, not kept on disk: a restart derives it again.
 */
interface Watch {
  due: string;
  id: string;
}
interface Watched {
  heap: Watch[];
  /** The day each id's entry in the heap is due: an entry of another day was superseded. */
  dueOf: Map<string, string>;
}
const watching = new WeakMap<RulesState, Watched>();

function watchedOf(state: RulesState, settings: RuleSettings): Watched {
  let watched = watching.get(state);
  if (watched !== undefined) return watched;
  watched = { heap: [], dueOf: new Map() };
  watching.set(state, watched);
  for (const [key, tc] of Object.entries(state.teamCycles))
    if (tc.progressClock !== null) watch(watched, `s${key}`, addDays(tc.progressClock.on, settings.stalledProgressDays));
  for (const [teamId, trained] of Object.entries(state.trainedAwaiting))
    watch(watched, `t${teamId}`, addDays(trained.on, settings.trainingWithoutOkrsDays));
  return watched;
}

/** Watches `id` from `due` on; an entry already due earlier stands (it finds the later day when it comes up). */
function watch(watched: Watched, id: string, due: string): void {
  const known = watched.dueOf.get(id);
  if (known !== undefined && known <= due) return;
  watched.dueOf.set(id, due);
  const { heap } = watched;
  heap.push({ due, id });
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (heap[parent]!.due <= heap[i]!.due) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function popWatch(heap: Watch[]): Watch {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length === 0) return top;
  heap[0] = last;
  for (let i = 0; ; ) {
    const left = 2 * i + 1;
    const right = left + 1;
    let least = i;
    if (left < heap.length && heap[left]!.due < heap[least]!.due) least = left;
    if (right < heap.length && heap[right]!.due < heap[least]!.due) least = right;
    if (least === i) return top;
    [heap[least], heap[i]] = [heap[i]!, heap[least]!];
    i = least;
  }
}

/** `ids` in the order of `record`'s keys, as rules raised them when they walked it. */
function inOrderOf(record: object, ids: string[]): string[] {
  if (ids.length < 2) return ids;
  const rank = new Map(Object.keys(record).map((key, i) => [key, i]));
  return ids.sort((a, b) => rank.get(a)! - rank.get(b)!);
}

/** Time-based rules, as of `today`: what fell due on or before it. */
function checkTime(state: RulesState, today: string, settings: RuleSettings, out: RuleOutput): void {
  const watched = watchedOf(state, settings);
  const { heap, dueOf } = watched;
  const stalled: string[] = [];
  const trainings: string[] = [];
  // Due but not to be told yet (its team or cycle unknown), or due later than its entry said: watched again after.
  const again: Watch[] = [];
  while (heap.length > 0 && heap[0]!.due <= today) {
    const entry = popWatch(heap);
    if (dueOf.get(entry.id) !== entry.due) continue;
    dueOf.delete(entry.id);
    const key = entry.id.slice(1);
    const clock = entry.id.startsWith('s') ? state.teamCycles[key]?.progressClock : state.trainedAwaiting[key];
    if (!clock) continue;
    const due = addDays(clock.on, entry.id.startsWith('s') ? settings.stalledProgressDays : settings.trainingWithoutOkrsDays);
    if (due > today) again.push({ due, id: entry.id });
    else (entry.id.startsWith('s') ? stalled : trainings).push(key);
  }
  for (const key of inOrderOf(state.teamCycles, stalled)) {
    const clock = state.teamCycles[key]!.progressClock!;
    const [teamId, cycleId] = key.split('/') as [string, string];
    const cycle = state.cycles[cycleId];
    const team = state.teams[teamId];
    const dueOn = addDays(clock.on, settings.stalledProgressDays);
    if (!cycle || !team) {
      again.push({ due: dueOn, id: `s${key}` });
      continue;
    }
    if (cycle.closed || dueOn > cycle.endsOn) continue;
    raise(state, out, `stalled-progress/${key}`, {
      rule: 'stalled-progress',
      areaId: team.areaId,
      teamId,
      kind: 'passive-non-participation',
      severity: 3,
      description: `No key-result progress reported for ${settings.stalledProgressDays} days (since ${clock.on}) in an open cycle.`,
      raisedOn: dueOn,
      causes: [clock.eventId],
    });
  }
  for (const teamId of inOrderOf(state.trainedAwaiting, trainings)) {
    const trained = state.trainedAwaiting[teamId]!;
    const team = state.teams[teamId];
    const dueOn = addDays(trained.on, settings.trainingWithoutOkrsDays);
    if (!team) {
      again.push({ due: dueOn, id: `t${teamId}` });
      continue;
    }
    raise(state, out, `training-without-okrs/${teamId}`, {
      rule: 'training-without-okrs',
      areaId: team.areaId,
      teamId,
      kind: 'unable',
      severity: 2,
      description: `Trained on ${trained.on}, but no OKRs drafted in the ${settings.trainingWithoutOkrsDays} days since.`,
      raisedOn: dueOn,
      causes: [trained.eventId],
    });
    delete state.trainedAwaiting[teamId];
  }
  for (const entry of again) watch(watched, entry.id, entry.due);
}

/**
 * What scoring areas derives from the state, kept beside it and not on disk (a restart derives it
 * again): the teams of each area, and each team's overall score per cycle and day, which changes
 * only with the team's facts or size (`rescore`). A check-in compares its area's score on its day
 * and `areaScoreDropDays` before, over every team of the area; a large store's events come team
 * by team, so those days differ at almost every check-in and scoring whole areas again each time
 * was most of the rules' work at a million events.
 */
interface Scoring {
  teamsOf: Map<string, string[]> | null;
  /** Team → cycle → overall score by day from the cycle's start, NaN where not scored yet. */
  overall: Map<string, Map<string, Float64Array>>;
}
const scorings = new WeakMap<RulesState, Scoring>();

function scoringOf(state: RulesState): Scoring {
  let scoring = scorings.get(state);
  if (scoring === undefined) {
    scoring = { teamsOf: null, overall: new Map() };
    scorings.set(state, scoring);
  }
  return scoring;
}

/** A team's facts or size changed (`undefined`: which teams are in which area did): what was scored from them goes. */
function rescore(state: RulesState, teamId: string | undefined): void {
  const scoring = scoringOf(state);
  if (teamId === undefined) scoring.teamsOf = null;
  else scoring.overall.delete(teamId);
}

function teamsOf(state: RulesState, areaId: string): string[] {
  const scoring = scoringOf(state);
  if (scoring.teamsOf === null) {
    scoring.teamsOf = new Map();
    for (const [teamId, team] of Object.entries(state.teams)) {
      const teams = scoring.teamsOf.get(team.areaId);
      if (teams === undefined) scoring.teamsOf.set(team.areaId, [teamId]);
      else teams.push(teamId);
    }
  }
  return scoring.teamsOf.get(areaId) ?? [];
}

function teamOverall(state: RulesState, teamId: string, size: number, cycle: CycleDates, cycleId: string, asOf: string): number {
  const { overall } = scoringOf(state);
  let byCycle = overall.get(teamId);
  if (byCycle === undefined) {
    byCycle = new Map();
    overall.set(teamId, byCycle);
  }
  let byDay = byCycle.get(cycleId);
  if (byDay === undefined) {
    // A check-in after the cycle's end still compares: a few weeks more are kept for it.
    byDay = new Float64Array(daysBetween(cycle.startsOn, cycle.endsOn) + 64).fill(Number.NaN);
    byCycle.set(cycleId, byDay);
  }
  const day = daysBetween(cycle.startsOn, asOf);
  const known = byDay[day];
  if (known !== undefined && !Number.isNaN(known)) return known;
  const facts = (state.facts[teamId] ?? []).filter((f) => f.cycleId === null || f.cycleId === cycleId);
  const scored = scoreTeam(facts, size, cycle, asOf).scores.overall;
  if (day >= 0 && day < byDay.length) byDay[day] = scored;
  return scored;
}

function areaOverall(state: RulesState, areaId: string, cycle: CycleDates, cycleId: string, asOf: string): number | null {
  return sizeWeighted(
    teamsOf(state, areaId).map((teamId) => {
      const { size } = state.teams[teamId]!;
      return { size, score: teamOverall(state, teamId, size, cycle, cycleId, asOf) };
    }),
  );
}

function checkAreaScore(
  state: RulesState,
  areaId: string,
  cycleId: string,
  on: string,
  eventId: string,
  settings: RuleSettings,
  out: RuleOutput,
): void {
  const cycle = state.cycles[cycleId];
  if (!cycle || on < cycle.startsOn) return;
  const since = addDays(on, -settings.areaScoreDropDays);
  const now = areaOverall(state, areaId, cycle, cycleId, on);
  const before = areaOverall(state, areaId, cycle, cycleId, laterOf(since, cycle.startsOn));
  if (now === null || before === null) return;
  const key = `area-score-drop/${areaId}/${cycleId}`;
  if (before - now >= settings.areaScoreDropPoints) {
    raise(state, out, key, {
      rule: 'area-score-drop',
      areaId,
      kind: 'passive-non-participation',
      severity: 4,
      description: `The area's overall adoption score fell from ${before} to ${now} (${before - now} points) between ${since} and ${on}.`,
      raisedOn: on,
      causes: [eventId],
    });
  } else if (state.open[key] !== undefined && before - now < settings.areaScoreDropPoints) {
    clear(
      state,
      out,
      key,
      'area-score-drop',
      on,
      `The overall score is ${now}, within ${settings.areaScoreDropPoints} points of 14 days before.`,
      [eventId],
    );
  }
}

/**
 * One event: first what fell due before its business date (so a replay infers what a daily tick
 * inferred at the time), then the event's own patterns. Mutates and returns `state`.
 */
export function onEvent(
  state: RulesState,
  event: Pick<RecordedEvent<UptakeEvent>, 'type' | 'data' | 'metadata'>,
  settings: RuleSettings,
): RuleOutput {
  const out = empty();
  const e = event as UptakeEvent;
  const eventId = event.metadata.eventId;
  const teamFact = isAdoptionEvent(e) ? adoptionFactOf(e) : null;
  const fact = teamFact?.fact ?? null;
  const on = fact?.on ?? event.metadata.occurredAt.slice(0, 10);
  checkTime(state, on, settings, out);
  switch (e.type) {
    case 'CycleOpened':
      state.cycles[e.data.cycleId] = { ...e.data, closed: false };
      break;
    case 'CycleClosed': {
      const cycle = state.cycles[e.data.cycleId];
      if (cycle) cycle.closed = true;
      // What a cycle's rules watch ends with it: each proposes resolving what it still watched there.
      for (const key of Object.keys(state.open).filter((k) => k.endsWith(`/${e.data.cycleId}`))) {
        const rule = key.slice(0, key.indexOf('/')) as RuleName;
        clear(state, out, key, rule, e.data.closedOn, `The cycle closed on ${e.data.closedOn}: nothing more falls due in it.`, [eventId]);
      }
      // A closed cycle is scored no more: its facts go, which keeps the checkpointed state small.
      for (const teamId of Object.keys(state.facts)) {
        state.facts[teamId] = state.facts[teamId]!.filter((f) => f.cycleId !== e.data.cycleId);
        rescore(state, teamId);
      }
      break;
    }
    case 'TeamRegistered':
      state.teams[e.data.teamId] = { areaId: e.data.areaId, size: e.data.size };
      rescore(state, undefined);
      rescore(state, e.data.teamId);
      break;
    case 'TeamMoved': {
      const team = state.teams[e.data.teamId];
      if (team) team.areaId = e.data.areaId;
      rescore(state, undefined);
      break;
    }
    case 'TeamResized': {
      const team = state.teams[e.data.teamId];
      if (team) team.size = e.data.size;
      rescore(state, e.data.teamId);
      break;
    }
    case 'StakeholderIdentified':
      state.stakeholders[e.data.stakeholderId] = { areaId: e.data.areaId, attitude: { eventId, on, step: -1 }, baseline: null };
      break;
    case 'AttitudeAssessed':
      onAttitude(state, e.data.stakeholderId, attitudeSteps[e.data.attitude] ?? 2, { eventId, on }, settings, out);
      break;
    default:
      onAlignment(state, e, on, eventId, settings, out);
      break;
  }
  if (teamFact === null || fact === null) return out;
  const { teamId } = teamFact;
  // Learn counts trainings of any cycle, so a training is kept, and watched, outside its cycle.
  const cycleId = fact.kind === 'training' ? null : teamFact.cycleId;
  // Only what moves a score is kept for scoring areas: key-result progress, most of a large store's events, is not.
  if (scoredKinds.includes(fact.kind)) {
    state.facts[teamId] ??= [];
    state.facts[teamId].push({ ...fact, cycleId });
    rescore(state, teamId);
  }
  const team = state.teams[teamId];
  // A team that already runs OKRs in an open cycle and trains again is not waiting to draft.
  if (fact.kind === 'training' && !runsOkrs(state, teamId)) {
    state.trainedAwaiting[teamId] = { eventId, on };
    watch(watchedOf(state, settings), `t${teamId}`, addDays(on, settings.trainingWithoutOkrsDays));
  }
  if (fact.kind === 'drafted') {
    delete state.trainedAwaiting[teamId];
    clear(state, out, `training-without-okrs/${teamId}`, 'training-without-okrs', on, `OKRs drafted on ${on}.`, [eventId]);
  }
  if (cycleId === null) return out;
  const tc = teamCycleOf(state, teamId, cycleId);
  if ((fact.kind === 'drafted' && tc.progressClock === null) || fact.kind === 'key-result-progress') {
    tc.progressClock = { eventId, on };
    watch(watchedOf(state, settings), `s${teamId}/${cycleId}`, addDays(on, settings.stalledProgressDays));
  }
  if (fact.kind === 'key-result-progress') {
    clear(state, out, `stalled-progress/${teamId}/${cycleId}`, 'stalled-progress', on, `Key-result progress reported on ${on}.`, [eventId]);
  }
  if (fact.kind === 'check-in-held' || fact.kind === 'check-in-missed') {
    onCheckIn(state, tc, teamId, cycleId, { eventId, on, held: fact.kind === 'check-in-held' }, settings, out);
  }
  // Scores fall as time passes without check-ins, so each check-in, held or missed, is when to compare.
  if (team && (fact.kind === 'check-in-held' || fact.kind === 'check-in-missed'))
    checkAreaScore(state, team.areaId, cycleId, on, eventId, settings, out);
  return out;
}

/** A change to the objectives graph moves align for the teams below it: their areas' scores are compared then. */
function onAlignment(state: RulesState, event: UptakeEvent, on: string, eventId: string, settings: RuleSettings, out: RuleOutput): void {
  const areas = new Map<string, string>();
  for (const { teamId, cycleId, fact } of onGraphEvent(state.graph, event, on)) {
    state.facts[teamId] ??= [];
    state.facts[teamId].push({ ...fact, cycleId });
    rescore(state, teamId);
    const team = state.teams[teamId];
    if (team) areas.set(`${team.areaId}/${cycleId}`, cycleId);
  }
  for (const [key, cycleId] of areas) checkAreaScore(state, key.slice(0, key.indexOf('/')), cycleId, on, eventId, settings, out);
}

const runsOkrs = (state: RulesState, teamId: string): boolean =>
  cyclesOfTeam(state, teamId).some(
    (cycleId) => state.teamCycles[`${teamId}/${cycleId}`]!.progressClock !== null && state.cycles[cycleId]?.closed === false,
  );

function onCheckIn(
  state: RulesState,
  tc: TeamCycle,
  teamId: string,
  cycleId: string,
  checkIn: Dated & { held: boolean },
  settings: RuleSettings,
  out: RuleOutput,
): void {
  tc.checkIns = [...tc.checkIns, checkIn].slice(-settings.missedCheckIns);
  const key = `missed-check-ins/${teamId}/${cycleId}`;
  const team = state.teams[teamId];
  if (checkIn.held) {
    clear(state, out, key, 'missed-check-ins', checkIn.on, `A check-in was held on ${checkIn.on}.`, [checkIn.eventId]);
    return;
  }
  if (!team || tc.checkIns.length < settings.missedCheckIns || tc.checkIns.some((c) => c.held)) return;
  raise(state, out, key, {
    rule: 'missed-check-ins',
    areaId: team.areaId,
    teamId,
    kind: 'no-time',
    severity: 3,
    description: `${settings.missedCheckIns} check-ins in a row were missed (due ${tc.checkIns.map((c) => c.on).join(', ')}).`,
    raisedOn: checkIn.on,
    causes: tc.checkIns.map((c) => c.eventId),
  });
}

const attitudeNames = Object.keys(attitudeSteps);

function onAttitude(state: RulesState, stakeholderId: string, step: number, at: Dated, settings: RuleSettings, out: RuleOutput): void {
  const stakeholder = state.stakeholders[stakeholderId];
  if (!stakeholder) return;
  const previous = stakeholder.attitude;
  stakeholder.attitude = { ...at, step };
  const key = `attitude-fall/${stakeholderId}`;
  if (stakeholder.baseline !== null) {
    if (stakeholder.baseline + settings.attitudeFallSteps > step) {
      clear(state, out, key, 'attitude-fall', at.on, `Attitude back to ${attitudeNames[step]} on ${at.on}.`, [at.eventId]);
      stakeholder.baseline = null;
    }
    return;
  }
  if (previous.step < 0 || step - previous.step < settings.attitudeFallSteps) return;
  stakeholder.baseline = previous.step;
  raise(state, out, key, {
    rule: 'attitude-fall',
    areaId: stakeholder.areaId,
    stakeholderId,
    kind: step === attitudeSteps.resistor ? 'active-opposition' : 'unconvinced',
    severity: step === attitudeSteps.resistor ? 4 : 3,
    description: `Attitude fell ${step - previous.step} steps, from ${attitudeNames[previous.step]} to ${attitudeNames[step]}, on ${at.on}.`,
    raisedOn: at.on,
    causes: [previous.eventId, at.eventId],
  });
}

/** The daily tick: what fell due by `today` with no event to reveal it. Mutates `state`. */
export function onDay(state: RulesState, today: string, settings: RuleSettings): RuleOutput {
  const out = empty();
  checkTime(state, today, settings, out);
  return out;
}
