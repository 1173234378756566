/**
 * The demo organisation's story, told as the commands its people and integrations would have
 * sent: pure and deterministic (seed, today and scale in; an ordered list of steps out).
 *
 * Order matters to the domain: the organisation is set up first, then everything that happened
 * in the previous cycle, then that cycle is closed, then the current cycle up to `today`. Within
 * a phase the steps go team by team (stakeholder by stakeholder, signal by signal), each entity's
 * steps in business-date order, so every stream reads as it happened.
 */
import type { z } from 'zod';
import { addDays, daysBetween, earlierOf } from '../adoption/calendar.ts';
import type { AssignCoachToArea, RegisterArea, RenameArea } from '../area/commands.ts';
import type { RegisterCoach } from '../coach/commands.ts';
import type { CloseCycle, OpenCycle } from '../cycle/commands.ts';
import type {
  AcknowledgeResistanceSignal,
  CompleteIntervention,
  EscalateResistanceSignal,
  PlanIntervention,
  RaiseResistanceSignal,
  ResolveResistanceSignal,
} from '../resistance/commands.ts';
import type { DefineKeyResult, LinkObjective, SetObjective, SetTheme, UnlinkObjective } from '../objective/commands.ts';
import type { InterventionKind, ResistanceKind } from '../resistance/events.ts';
import type { Actor } from '../shared/event.ts';
import type {
  AssessAdkarStage,
  AssessAttitude,
  IdentifyStakeholder,
  LogEngagement,
  MapStakeholder,
  SetDesiredAttitude,
} from '../stakeholder/commands.ts';
import type { AdkarStage, Attitude, EngagementKind } from '../stakeholder/events.ts';
import type {
  AlignOkrs,
  CompleteTraining,
  DraftOkrs,
  HoldCheckIn,
  HoldCycleReview,
  HoldRetrospective,
  MissCheckIn,
  PublishOkrs,
  RegisterTeam,
  ReportKeyResultProgress,
  ResizeTeam,
} from '../team/commands.ts';
import type { TrainingKind } from '../team/events.ts';
import {
  type AdoptionProfile,
  type AreaBlueprint,
  areaObjectives,
  areas as areaBlueprints,
  coachesAtScaleOne,
  firstNames,
  keyResultTitles,
  lastNames,
  profiles,
  stakeholdersAtScaleOne,
  strategicThemes,
  teamObjectiveTitles,
} from './organisation.ts';
import { Random } from './random.ts';

export type SeedCommand =
  | RegisterCoach
  | RegisterArea
  | RenameArea
  | AssignCoachToArea
  | OpenCycle
  | CloseCycle
  | RegisterTeam
  | ResizeTeam
  | CompleteTraining
  | DraftOkrs
  | PublishOkrs
  | AlignOkrs
  | HoldCheckIn
  | MissCheckIn
  | ReportKeyResultProgress
  | HoldCycleReview
  | HoldRetrospective
  | IdentifyStakeholder
  | MapStakeholder
  | AssessAttitude
  | AssessAdkarStage
  | SetDesiredAttitude
  | LogEngagement
  | RaiseResistanceSignal
  | AcknowledgeResistanceSignal
  | PlanIntervention
  | CompleteIntervention
  | ResolveResistanceSignal
  | EscalateResistanceSignal
  | SetTheme
  | SetObjective
  | DefineKeyResult
  | LinkObjective
  | UnlinkObjective;

/** One command, who sent it and when it happened. */
export interface Step {
  command: SeedCommand;
  actor: Actor;
  /** Business time: the step's date at an office hour. */
  occurredAt: string;
}

export interface StoryOptions {
  seed: number;
  /** The business date the story ends on (`YYYY-MM-DD`): its current cycle is open, the one before closed. */
  today: string;
  /** Multiplies teams, coaches and stakeholders (and so events); 1 tells the standard story. */
  scale: number;
}

export interface Story {
  steps: Step[];
  areas: number;
  coaches: number;
  teams: number;
  stakeholders: number;
  cycles: number;
  signals: number;
}

type AttitudeValue = z.infer<typeof Attitude>;
type AdkarValue = z.infer<typeof AdkarStage>;
type ResistanceKindValue = z.infer<typeof ResistanceKind>;

interface Cycle {
  cycleId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
  /** Last day anything can have happened in it: its end, or today for the current cycle. */
  until: string;
  /** Share of the cycle's days up to `until`: a young cycle has seen fewer engagements and signals. */
  elapsed: number;
  isCurrent: boolean;
}

interface Area {
  areaId: string;
  /** The open cycle's objectives of this area. */
  objectiveIds: string[];
  blueprint: AreaBlueprint;
  profile: AdoptionProfile;
  coachIds: string[];
  teams: Team[];
  stakeholders: Stakeholder[];
}

interface Team {
  teamId: string;
  key: string;
  name: string;
  size: number;
  area: Area;
  coachId: string;
  trained: boolean;
  /** Days before each cadence boundary the team's check-in falls: teams meet on different weekdays. */
  checkInOffset: number;
}

interface Stakeholder {
  stakeholderId: string;
  name: string;
  role: string;
  area: Area;
  influence: number;
  interest: number;
  attitude: AttitudeValue;
  adkar: AdkarValue;
  coachId: string;
}

const system: Actor = { kind: 'system', id: 'seed' };
const okrTool: Actor = { kind: 'integration', id: 'okr-tool' };
const hrSystem: Actor = { kind: 'integration', id: 'hr-system' };
const issueTracker: Actor = { kind: 'integration', id: 'issue-tracker' };
const coach = (coachId: string): Actor => ({ kind: 'user', id: coachId });

const attitudeScale: readonly AttitudeValue[] = ['resistor', 'skeptic', 'neutral', 'supporter', 'champion'];
const adkarScale: readonly AdkarValue[] = ['awareness', 'desire', 'knowledge', 'ability', 'reinforcement'];
/**
 * What a coach aims for with a stakeholder when first assessing them: a sponsor should champion
 * the change, anyone else with much influence (or some, and doubts) should support it. Decided
 * from who they are, not by chance, so the rest of the story draws the same numbers.
 */
function desiredAttitudeOf(isSponsor: boolean, { influence, attitude }: Stakeholder): { attitude: AttitudeValue; reason: string } | null {
  if (isSponsor) return { attitude: 'champion', reason: 'Sponsors the change in this area' };
  if (influence >= 4 || (influence >= 3 && attitudeScale.indexOf(attitude) <= 1))
    return { attitude: 'supporter', reason: 'Their teams follow their lead' };
  return null;
}

/** Chance per reassessment that a stakeholder with this attitude moves one ADKAR stage on. */
const adkarProgress: Readonly<Record<AttitudeValue, number>> = {
  champion: 0.8,
  supporter: 0.65,
  neutral: 0.4,
  skeptic: 0.2,
  resistor: 0.05,
};
const firstAdkar: Readonly<Record<AttitudeValue, readonly AdkarValue[]>> = {
  champion: ['knowledge', 'ability'],
  supporter: ['desire', 'knowledge'],
  neutral: ['awareness', 'desire'],
  skeptic: ['awareness'],
  resistor: ['awareness'],
};

const engagementKinds: readonly (readonly [z.infer<typeof EngagementKind>, number])[] = [
  ['meeting', 4],
  ['one-on-one', 3],
  ['workshop', 2],
  ['communication', 2],
  ['feedback', 2],
  ['training', 1],
];

const engagementNotes: Readonly<Record<number, readonly string[]>> = {
  [-2]: [
    'Pushed back hard: sees OKRs as reporting overhead',
    'Refused to discuss key results until targets are settled',
    'Openly doubts leadership will use the OKRs',
  ],
  [-1]: ['Worried about the time check-ins take', 'Prefers the existing targets spreadsheet', 'Agreed to listen, not yet to commit'],
  0: ['Walked through the cycle calendar', 'Clarified who owns the area objectives', 'Shared the check-in template'],
  1: ['Offered to open the next check-in', 'Asked for help aligning with the company strategy', 'Keen to see the area heatmap'],
  2: [
    'Presented their team’s OKRs at the all-hands',
    'Volunteered to mentor another team on key results',
    'Wants OKRs in the quarterly business review',
  ],
};

const missReasons = [
  'Team offsite',
  'Release crunch',
  'Public holiday',
  'Facilitator on leave',
  'Clashed with the quarterly planning',
  'Incident response took priority',
  'Not enough people available',
];

const signalTexts: Readonly<Record<ResistanceKindValue, readonly string[]>> = {
  unaware: ['Did not know OKRs were expected this cycle', 'Has not heard of the OKR rollout beyond an e-mail'],
  unconvinced: [
    'Questions whether OKRs add anything over the existing targets',
    'Sees OKRs as another management fad that will pass',
    'Says key results cannot capture the real work of the team',
  ],
  unable: ['Struggles to write measurable key results', 'Cannot find baseline data for the key results'],
  'no-time': ['Says delivery pressure leaves no time for check-ins', 'Keeps cancelling check-ins for customer escalations'],
  'tool-friction': [
    'Updating key results in the OKR tool takes too long; keeps a spreadsheet instead',
    'Cannot find their team in the OKR tool after the reorganisation',
  ],
  'passive-non-participation': ['Nobody from the team attended the last two check-ins', 'Drafted OKRs but never opened them since'],
  'active-opposition': [
    'Told the team to ignore OKR drafting this quarter',
    'Argued in the leadership meeting that OKRs should be dropped',
    'Refuses to share the team’s targets in the OKR tool',
  ],
};

const severities: Readonly<Record<ResistanceKindValue, readonly [number, number]>> = {
  unaware: [1, 2],
  unconvinced: [2, 4],
  unable: [2, 3],
  'no-time': [2, 3],
  'tool-friction': [1, 3],
  'passive-non-participation': [2, 4],
  'active-opposition': [4, 5],
};

const interventionsFor: Readonly<Record<ResistanceKindValue, readonly z.infer<typeof InterventionKind>[]>> = {
  unaware: ['communication', 'training'],
  unconvinced: ['one-on-one', 'workshop'],
  unable: ['training', 'workshop'],
  'no-time': ['coaching-session', 'communication'],
  'tool-friction': ['training', 'workshop'],
  'passive-non-participation': ['coaching-session', 'one-on-one'],
  'active-opposition': ['one-on-one', 'sponsor-escalation'],
};

const outcomes = {
  good: [
    'Team agreed to a lighter check-in format and held the next one',
    'Lead now sees the link to the area objectives',
    'Key results rewritten with baselines',
  ],
  poor: [
    'Attended, but no change in behaviour yet',
    'Session postponed twice, then cut short',
    'Agreed in the room, nothing happened after',
  ],
};
const resolutions = [
  'Check-ins held three weeks in a row',
  'OKRs published and aligned',
  'Lead now champions OKRs in the area',
  'Tool access fixed; spreadsheet retired',
];
const escalationReasons = [
  'Coaching had no effect; needs a sponsor decision on whether OKRs are mandatory here',
  'Opposition comes from the area leadership itself',
  'Repeated no-shows despite two interventions',
];

/** The quarter a date falls in, as a cycle: `2026-Q4`, 2026-10-01 to 2026-12-31. */
function quarterOf(date: string): { name: string; startsOn: string; endsOn: string } {
  const year = Number(date.slice(0, 4));
  const quarter = Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1;
  const startsOn = `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`;
  const next = quarter === 4 ? `${year + 1}-01-01` : `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01`;
  return { name: `${year}-Q${quarter}`, startsOn, endsOn: addDays(next, -1) };
}

const isWorkingDay = (date: string) => {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

/** A story shorter than this (24 weeks) gets busier key-result syncs; longer ones are left as they are. */
const FULL_STORY_DAYS = 168;
/** How long before today the OKR tool stopped syncing one team's key results (`stalledSync`). */
const STALLED_SYNC_DAYS = 30;
/** The area whose head unlinks its objectives from the strategy (`strategyDispute`). */
const DISPUTING_AREA = 'PLAT';
/** How long ago the dispute began, within the area-score-drop rule's 14 days. */
const DISPUTE_DAYS = 10;
const DISPUTE_REASON = 'Skipped while the area disputes the strategy';
const WORKING_DAYS = 5;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** Whole count with the given mean: the integer part, plus one with the fraction's chance. */
const countAround = (rng: Random, mean: number) => Math.floor(mean) + (rng.chance(mean - Math.floor(mean)) ? 1 : 0);

/** What the OKR tool calls a team's key result: the id it is defined under, in the open cycle. */
const keyResultRefOf = (team: Team, cycle: Cycle, objective: number, kr: number) => `${team.key}-${cycle.name}-O${objective + 1}-KR${kr}`;

class Teller {
  readonly steps: Step[] = [];
  readonly areas: Area[] = [];
  readonly teams: Team[] = [];
  readonly stakeholders: Stakeholder[] = [];
  readonly cycles: Cycle[] = [];
  readonly themeIds: string[] = [];
  signals = 0;

  /**
   * A story that ends early in a quarter covers fewer weeks; the OKR tool syncs key results more
   * often in it, so the demo has at least the promised size whatever day it is seeded on.
   */
  private readonly syncBoost: number;

  constructor(
    private readonly rng: Random,
    private readonly today: string,
    private readonly scale: number,
  ) {
    const storyDays = daysBetween(quarterOf(addDays(quarterOf(today).startsOn, -1)).startsOn, today) + 1;
    this.syncBoost = Math.max(1, FULL_STORY_DAYS / storyDays);
  }

  private record(on: string, actor: Actor, command: SeedCommand): void {
    const hour = String(this.rng.int(8, 17)).padStart(2, '0');
    const minute = String(this.rng.int(0, 59)).padStart(2, '0');
    this.steps.push({ command, actor, occurredAt: `${on}T${hour}:${minute}:00.000Z` });
  }

  /** A date in [from, to], or null when the range is empty. */
  private dateBetween(from: string, to: string): string | null {
    const span = daysBetween(from, to);
    return span < 0 ? null : addDays(from, this.rng.int(0, span));
  }

  private id(): string {
    return this.rng.uuid();
  }

  private personName(): string {
    return `${this.rng.pick(firstNames)} ${this.rng.pick(lastNames)}`;
  }

  // Phase 0: the organisation.

  setUp(): void {
    const previousQuarter = quarterOf(addDays(quarterOf(this.today).startsOn, -1));
    const currentQuarter = quarterOf(this.today);
    const setUpOn = addDays(previousQuarter.startsOn, -21);

    const coachIds = Array.from({ length: Math.max(1, Math.round(coachesAtScaleOne * this.scale)) }, (_, i) => {
      const coachId = this.id();
      const name = this.personName();
      const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${i + 1}@uptake.example`;
      this.record(setUpOn, system, { type: 'RegisterCoach', data: { coachId, name, email } });
      return coachId;
    });

    const byCode = new Map<string, Area>();
    for (const blueprint of areaBlueprints) {
      const area: Area = {
        areaId: this.id(),
        objectiveIds: [],
        blueprint,
        profile: profiles[blueprint.profile],
        coachIds: [],
        teams: [],
        stakeholders: [],
      };
      const parentAreaId = blueprint.parentCode === null ? null : byCode.get(blueprint.parentCode)!.areaId;
      this.record(setUpOn, system, {
        type: 'RegisterArea',
        data: { areaId: area.areaId, code: blueprint.code, name: blueprint.name, parentAreaId },
      });
      byCode.set(blueprint.code, area);
      this.areas.push(area);
    }

    // Every area gets a coach; with more coaches than areas, the rest double up round the areas.
    const assignments = Math.max(coachIds.length, this.areas.length);
    for (let i = 0; i < assignments; i++) {
      const area = this.areas[i % this.areas.length]!;
      const coachId = coachIds[i % coachIds.length]!;
      if (area.coachIds.includes(coachId)) continue;
      area.coachIds.push(coachId);
      this.record(setUpOn, system, { type: 'AssignCoachToArea', data: { areaId: area.areaId, coachId } });
    }

    const previous = this.openCycle(previousQuarter, 14, addDays(previousQuarter.startsOn, -14), false);
    this.openCycle(currentQuarter, 7, earlierOf(addDays(currentQuarter.startsOn, -14), this.today), true);
    this.registerTeams(setUpOn);
    this.identifyStakeholders(addDays(previous.startsOn, -7));
  }

  private openCycle(
    quarter: { name: string; startsOn: string; endsOn: string },
    checkInCadenceDays: number,
    openedOn: string,
    isCurrent: boolean,
  ): Cycle {
    const until = earlierOf(quarter.endsOn, this.today);
    const elapsed = (daysBetween(quarter.startsOn, until) + 1) / (daysBetween(quarter.startsOn, quarter.endsOn) + 1);
    const cycle: Cycle = { cycleId: this.id(), ...quarter, checkInCadenceDays, until, elapsed, isCurrent };
    const { cycleId, name, startsOn, endsOn } = cycle;
    this.record(openedOn, system, { type: 'OpenCycle', data: { cycleId, name, startsOn, endsOn, checkInCadenceDays } });
    this.cycles.push(cycle);
    return cycle;
  }

  private registerTeams(on: string): void {
    for (const area of this.areas) {
      const { blueprint } = area;
      const count = blueprint.teams === 0 ? 0 : Math.max(1, Math.round(blueprint.teams * this.scale));
      for (let i = 0; i < count; i++) {
        const round = Math.floor(i / blueprint.teamNames.length);
        const name = blueprint.teamNames[i % blueprint.teamNames.length]! + (round === 0 ? '' : ` ${round + 1}`);
        const team: Team = {
          teamId: this.id(),
          key: `${blueprint.code}${i + 1}`,
          name,
          size: this.rng.weighted([
            [this.rng.int(4, 9), 6],
            [this.rng.int(10, 16), 3],
            [this.rng.int(17, 40), 1],
          ]),
          area,
          coachId: this.rng.pick(area.coachIds),
          trained: false,
          checkInOffset: this.rng.int(0, 2),
        };
        this.record(on, system, {
          type: 'RegisterTeam',
          data: { teamId: team.teamId, key: team.key, name, areaId: area.areaId, size: team.size },
        });
        area.teams.push(team);
        this.teams.push(team);
      }
    }
  }

  private identifyStakeholders(on: string): void {
    const total = Math.round(stakeholdersAtScaleOne * this.scale);
    // Each area gets its sponsor; the rest are shared out by team count (one extra per area for its leaders).
    const weight = (area: Area) => area.teams.length + 1;
    const totalWeight = this.areas.reduce((sum, area) => sum + weight(area), 0);
    let remaining = total;
    this.areas.forEach((area, index) => {
      const isLast = index === this.areas.length - 1;
      const count = Math.max(1, isLast ? remaining : Math.round((total * weight(area)) / totalWeight));
      remaining -= count;
      for (let i = 0; i < count; i++) this.identifyStakeholder(area, i === 0, on);
    });
  }

  private identifyStakeholder(area: Area, isSponsor: boolean, on: string): void {
    const { profile, blueprint } = area;
    const attitude = this.rng.weighted(profile.attitudes);
    const stakeholder: Stakeholder = {
      stakeholderId: this.id(),
      name: this.personName(),
      role: isSponsor ? blueprint.sponsorRole : this.rng.pick(blueprint.roles),
      area,
      influence: isSponsor
        ? 5
        : this.rng.weighted([
            [1, 1],
            [2, 3],
            [3, 4],
            [4, 2],
            [5, 1],
          ] as const),
      interest: this.rng.int(isSponsor ? 3 : 1, 5),
      attitude,
      adkar: this.rng.pick(firstAdkar[attitude]),
      coachId: this.rng.pick(area.coachIds),
    };
    const { stakeholderId, name, role, influence, interest } = stakeholder;
    const by = coach(stakeholder.coachId);
    this.record(on, by, { type: 'IdentifyStakeholder', data: { stakeholderId, name, role, areaId: area.areaId, influence, interest } });
    const assessedOn = addDays(on, this.rng.int(1, 7));
    this.record(assessedOn, by, { type: 'AssessAttitude', data: { stakeholderId, attitude } });
    this.record(assessedOn, by, { type: 'AssessAdkarStage', data: { stakeholderId, stage: stakeholder.adkar } });
    const aim = desiredAttitudeOf(isSponsor, stakeholder);
    if (aim !== null) this.record(assessedOn, by, { type: 'SetDesiredAttitude', data: { stakeholderId, ...aim } });
    area.stakeholders.push(stakeholder);
    this.stakeholders.push(stakeholder);
  }

  // Phases 1 and 2: what happened in a cycle.

  liveThrough(cycle: Cycle): void {
    if (cycle.isCurrent) {
      this.reorganise(cycle);
      this.setStrategy(cycle);
    }
    for (const team of this.teams) this.teamCycle(team, cycle);
    for (const stakeholder of this.stakeholders) this.stakeholderCycle(stakeholder, cycle);
    for (const area of this.areas) this.signalsIn(area, cycle);
  }

  /**
   * The strategy and each area's objectives, first recorded for the open cycle: the closed cycle's
   * alignment stays as it was recorded then, free-text `OkrsAligned`.
   */
  private setStrategy(cycle: Cycle): void {
    const on = cycle.startsOn;
    for (const title of strategicThemes) {
      const themeId = this.id();
      this.themeIds.push(themeId);
      this.record(on, system, { type: 'SetTheme', data: { themeId, title } });
    }
    const byCode = new Map(this.areas.map((area) => [area.blueprint.code, area]));
    for (const area of this.areas) {
      const by = coach(area.coachIds[0]!);
      for (const objective of areaObjectives[area.blueprint.code] ?? []) {
        const objectiveId = this.id();
        area.objectiveIds.push(objectiveId);
        const { cycleId } = cycle;
        this.record(on, by, { type: 'SetObjective', data: { objectiveId, title: objective.title, cycleId, areaId: area.areaId } });
        objective.keyResults.forEach((title, i) => {
          this.record(on, by, { type: 'DefineKeyResult', data: { objectiveId, keyResultId: `${objectiveId}-kr${i + 1}`, title } });
        });
        const parentArea = area.blueprint.parentCode === null ? undefined : byCode.get(area.blueprint.parentCode);
        const parent =
          objective.theme === null
            ? null
            : parentArea?.objectiveIds[0] !== undefined
              ? { parentKind: 'objective' as const, parentId: parentArea.objectiveIds[0] }
              : { parentKind: 'theme' as const, parentId: this.themeIds[objective.theme]! };
        if (parent) this.record(on, by, { type: 'LinkObjective', data: { objectiveId, ...parent, crossArea: false } });
      }
    }
  }

  /**
   * A team's objectives for the open cycle, with the key results its OKR tool reports on, each
   * linked up: mostly to its area's objectives, sometimes straight to a theme or, across areas, to
   * another area's; some stay orphans, more in teams that align poorly.
   */
  private teamObjectives(
    team: Team,
    cycle: Cycle,
    keyResultsPer: readonly number[],
    draftedOn: string,
    links: { linkedOn: string; orphanChance: number },
    add: (on: string, actor: Actor, command: SeedCommand) => void,
  ): void {
    const by = coach(team.coachId);
    const { cycleId } = cycle;
    const others = this.areas.filter((a) => a !== team.area && a.objectiveIds.length > 0);
    keyResultsPer.forEach((count, o) => {
      const objectiveId = `${team.teamId}-o${o + 1}`;
      const title = teamObjectiveTitles[(team.key.length + o) % teamObjectiveTitles.length]!;
      add(draftedOn, by, { type: 'SetObjective', data: { objectiveId, title, cycleId, areaId: team.area.areaId, teamId: team.teamId } });
      for (let kr = 1; kr <= count; kr++) {
        const krTitle = keyResultTitles[(o * 3 + kr) % keyResultTitles.length]!;
        add(draftedOn, by, {
          type: 'DefineKeyResult',
          data: { objectiveId, keyResultId: keyResultRefOf(team, cycle, o, kr), title: krTitle },
        });
      }
      if (this.rng.chance(links.orphanChance)) return;
      const own = team.area.objectiveIds;
      const roll = this.rng.next();
      const link =
        roll < 0.1 || own.length === 0
          ? { parentKind: 'theme' as const, parentId: this.themeIds[this.rng.int(0, 2)]!, crossArea: false }
          : roll < 0.18 && others.length > 0
            ? { parentKind: 'objective' as const, parentId: this.rng.pick(others).objectiveIds[0]!, crossArea: true }
            : { parentKind: 'objective' as const, parentId: this.rng.pick(own), crossArea: false };
      add(links.linkedOn, by, { type: 'LinkObjective', data: { objectiveId, ...link } });
    });
  }

  /** Small changes a living organisation makes between cycles. */
  private reorganise(cycle: Cycle): void {
    const people = this.areas.find((area) => area.blueprint.code === 'PEOPLE');
    if (people) this.record(cycle.startsOn, system, { type: 'RenameArea', data: { areaId: people.areaId, name: 'People and Culture' } });
    for (const team of this.teams) {
      if (!this.rng.chance(0.15)) continue;
      const size = clamp(team.size + this.rng.pick([-2, -1, 1, 2, 3]), 1, 500);
      if (size === team.size) continue;
      team.size = size;
      this.record(cycle.startsOn, system, { type: 'ResizeTeam', data: { teamId: team.teamId, size } });
    }
  }

  private teamCycle(team: Team, cycle: Cycle): void {
    const { profile } = team.area;
    const trend = cycle.isCurrent ? profile.trend : 0;
    const chance = (p: number) => this.rng.chance(clamp(p + trend, 0, 1));
    const { teamId } = team;
    const { cycleId } = cycle;
    const happenings: { on: string; actor: Actor; command: SeedCommand }[] = [];
    const add = (on: string, actor: Actor, command: SeedCommand) => happenings.push({ on, actor, command });
    const by = coach(team.coachId);

    const train = (kind: z.infer<typeof TrainingKind>, on: string, inCycle: boolean) => {
      const [low, high] = profile.attendance;
      const participants = clamp(Math.round(team.size * (low + this.rng.next() * (high - low))), 1, team.size);
      const data = inCycle ? { teamId, cycleId, kind, participants, completedOn: on } : { teamId, kind, participants, completedOn: on };
      add(on, hrSystem, { type: 'CompleteTraining', data });
      team.trained = true;
    };
    if (!cycle.isCurrent && this.rng.chance(profile.trainedEarly)) {
      train('okr-basics', addDays(cycle.startsOn, -this.rng.int(10, 60)), false);
      if (this.rng.chance(profile.trainedEarly)) train('writing-okrs', addDays(cycle.startsOn, -this.rng.int(1, 9)), false);
    } else if (!team.trained && chance(profile.trained)) {
      const on = this.dateBetween(addDays(cycle.startsOn, 5), addDays(cycle.until, -3));
      if (on) train('okr-basics', on, true);
    }
    if (team.trained && chance(profile.followUpTraining)) {
      const on = this.dateBetween(addDays(cycle.startsOn, 14), cycle.until);
      if (on) train(this.rng.pick(['running-check-ins', 'reviews-and-retros', 'leading-with-okrs'] as const), on, true);
    }

    const draftedOn = addDays(cycle.startsOn, this.rng.int(...profile.draftAfterDays));
    if (draftedOn <= addDays(cycle.until, -1) && draftedOn <= addDays(cycle.endsOn, -21)) {
      const objectives = this.rng.int(2, 4);
      const keyResultsPer = Array.from({ length: objectives }, () => this.rng.int(2, 5));
      const keyResults = keyResultsPer.reduce((sum, n) => sum + n, 0);
      add(draftedOn, by, { type: 'DraftOkrs', data: { teamId, cycleId, objectives, keyResults, draftedOn } });

      const publishedOn = addDays(draftedOn, this.rng.int(...profile.publishAfterDays));
      const published = publishedOn <= cycle.until && chance(profile.publish);
      if (published) {
        add(publishedOn, by, { type: 'PublishOkrs', data: { teamId, cycleId, publishedOn } });
        if (!cycle.isCurrent && chance(profile.align)) {
          const parents = team.area.blueprint.parentCode === null ? ['Company strategy'] : [`${team.area.blueprint.parentCode} objectives`];
          if (this.rng.chance(0.3)) parents.push(`${team.area.blueprint.code} objectives`);
          for (const parent of parents) {
            const alignedOn = earlierOf(addDays(publishedOn, this.rng.int(0, 7)), cycle.until);
            add(alignedOn, by, {
              type: 'AlignOkrs',
              data: { teamId, cycleId, parentRef: `${parent} ${cycle.name} O${this.rng.int(1, 4)}`, alignedOn },
            });
          }
        }
      }

      if (cycle.isCurrent) {
        // Teams that align well leave an objective unlinked now and then; the others more often.
        const orphanChance = chance(profile.align) ? 0.05 : 0.3;
        const linkedOn = earlierOf(addDays(published ? publishedOn : draftedOn, this.rng.int(0, 7)), cycle.until);
        this.teamObjectives(team, cycle, keyResultsPer, draftedOn, { linkedOn, orphanChance }, add);
      }
      this.checkIns(team, cycle, draftedOn, chance, add);
      this.keyResultProgress(team, cycle, published ? publishedOn : draftedOn, keyResultsPer, add);

      if (!cycle.isCurrent && cycle.until === cycle.endsOn) {
        const reviewedOn = addDays(cycle.endsOn, -this.rng.int(0, 6));
        if (chance(profile.review)) add(reviewedOn, by, { type: 'HoldCycleReview', data: { teamId, cycleId, heldOn: reviewedOn } });
        if (chance(profile.retrospective)) {
          const heldOn = addDays(cycle.endsOn, -this.rng.int(0, 4));
          add(heldOn, by, { type: 'HoldRetrospective', data: { teamId, cycleId, heldOn, actions: this.rng.int(1, 6) } });
        }
      }
    }

    // Stable sort: what happened the same day keeps its causal order (drafted before published).
    happenings.sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
    for (const { on, actor, command } of happenings) this.record(on, actor, command);
  }

  /** Check-ins are due every cadence from the cycle start; a team counts them once it has drafted OKRs. */
  private checkIns(
    team: Team,
    cycle: Cycle,
    draftedOn: string,
    chance: (p: number) => boolean,
    add: (on: string, actor: Actor, command: SeedCommand) => void,
  ): void {
    const { teamId } = team;
    const { cycleId, checkInCadenceDays } = cycle;
    for (let k = 1; ; k++) {
      const dueOn = addDays(cycle.startsOn, k * checkInCadenceDays - 1 - team.checkInOffset);
      if (dueOn > cycle.until) break;
      if (dueOn < draftedOn) continue;
      if (chance(team.area.profile.checkIn)) {
        const heldOn = earlierOf(addDays(dueOn, this.rng.chance(0.8) ? 0 : 1), cycle.until);
        const attendance = Math.round((0.5 + this.rng.next() * 0.5) * 100) / 100;
        const confidence = Math.round((0.3 + this.rng.next() * 0.6) * 100) / 100;
        const actor = this.rng.chance(0.6) ? okrTool : coach(team.coachId);
        add(heldOn, actor, { type: 'HoldCheckIn', data: { teamId, cycleId, heldOn, attendance, confidence } });
      } else if (this.rng.chance(0.7)) {
        add(dueOn, coach(team.coachId), { type: 'MissCheckIn', data: { teamId, cycleId, dueOn, reason: this.rng.pick(missReasons) } });
      } else {
        add(dueOn, okrTool, { type: 'MissCheckIn', data: { teamId, cycleId, dueOn } });
      }
    }
  }

  /** The OKR tool syncs each key result's progress a few times a week; better-adopting areas move further. */
  private keyResultProgress(
    team: Team,
    cycle: Cycle,
    from: string,
    keyResultsPer: readonly number[],
    add: (on: string, actor: Actor, command: SeedCommand) => void,
  ): void {
    const { profile } = team.area;
    const length = daysBetween(cycle.startsOn, cycle.endsOn);
    keyResultsPer.forEach((count, objective) => {
      for (let kr = 1; kr <= count; kr++) {
        const keyResultRef = keyResultRefOf(team, cycle, objective, kr);
        const target = clamp(profile.checkIn * (0.6 + this.rng.next() * 0.6), 0.05, 1);
        for (let reportedOn = from; reportedOn <= cycle.until; reportedOn = addDays(reportedOn, 1)) {
          if (!isWorkingDay(reportedOn) || !this.rng.chance((profile.progressSyncs * this.syncBoost) / WORKING_DAYS)) continue;
          const expected = target * (daysBetween(cycle.startsOn, reportedOn) / length);
          const progress = clamp(Math.round((expected + (this.rng.next() - 0.4) * 0.08) * 100) / 100, 0, 1);
          add(reportedOn, okrTool, {
            type: 'ReportKeyResultProgress',
            data: { teamId: team.teamId, cycleId: cycle.cycleId, keyResultRef, progress, reportedOn },
          });
        }
      }
    });
  }

  private stakeholderCycle(stakeholder: Stakeholder, cycle: Cycle): void {
    const { profile } = stakeholder.area;
    const { stakeholderId } = stakeholder;
    const by = coach(stakeholder.coachId);
    const engagements = countAround(this.rng, profile.engagementsPerStakeholder * cycle.elapsed * (0.5 + stakeholder.influence / 5));
    const dates = Array.from({ length: engagements }, () => this.dateBetween(cycle.startsOn, cycle.until)).filter(
      (d): d is string => d !== null,
    );
    dates.sort();
    // Reassessments fall after the first third and the second third of the cycle's engagements.
    const reassessAfter = new Set([Math.floor(dates.length / 3), Math.floor((2 * dates.length) / 3)]);
    dates.forEach((occurredOn, index) => {
      const attitudeValue = attitudeScale.indexOf(stakeholder.attitude) - 2;
      const sentiment = clamp(Math.round(attitudeValue * 0.6 + profile.sentimentBias + (this.rng.next() - 0.5) * 1.6), -2, 2);
      const note = this.rng.chance(0.6) ? { note: this.rng.pick(engagementNotes[sentiment]!) } : {};
      this.record(occurredOn, by, {
        type: 'LogEngagement',
        data: {
          stakeholderId,
          engagementId: this.id(),
          kind: this.rng.weighted(engagementKinds),
          occurredOn,
          sentiment,
          coachId: stakeholder.coachId,
          ...note,
        },
      });
      if (reassessAfter.has(index + 1)) this.reassess(stakeholder, occurredOn, by);
    });
    if (this.rng.chance(0.2)) {
      const influence = clamp(stakeholder.influence + this.rng.pick([-1, 1]), 1, 5);
      const interest = clamp(stakeholder.interest + this.rng.pick([-1, 1, 1]), 1, 5);
      if (influence !== stakeholder.influence || interest !== stakeholder.interest) {
        Object.assign(stakeholder, { influence, interest });
        // Mapped after the cycle's last engagement, so the stream stays in date order.
        this.record(dates.at(-1) ?? cycle.startsOn, by, { type: 'MapStakeholder', data: { stakeholderId, influence, interest } });
      }
    }
  }

  /** Attitudes move a step at a time, mostly up where adoption goes well; an unchanged one is not recorded. */
  private reassess(stakeholder: Stakeholder, on: string, by: Actor): void {
    const { stakeholderId } = stakeholder;
    const at = attitudeScale.indexOf(stakeholder.attitude);
    const step = this.rng.chance(stakeholder.area.profile.attitudeImproves) ? 1 : this.rng.chance(0.4) ? -1 : 0;
    const attitude = attitudeScale[clamp(at + step, 0, attitudeScale.length - 1)]!;
    if (attitude !== stakeholder.attitude) {
      stakeholder.attitude = attitude;
      this.record(on, by, {
        type: 'AssessAttitude',
        data: { stakeholderId, attitude, note: step > 0 ? 'More open after recent sessions' : 'Cooled off lately' },
      });
    }
    const stage = adkarScale.indexOf(stakeholder.adkar);
    if (stage < adkarScale.length - 1 && this.rng.chance(adkarProgress[stakeholder.attitude])) {
      stakeholder.adkar = adkarScale[stage + 1]!;
      this.record(on, by, { type: 'AssessAdkarStage', data: { stakeholderId, stage: stakeholder.adkar } });
    }
  }

  private signalsIn(area: Area, cycle: Cycle): void {
    const { profile } = area;
    const count = countAround(
      this.rng,
      profile.signalsPerTeam * area.teams.length * cycle.elapsed * (cycle.isCurrent ? 1 + profile.trend : 1),
    );
    for (let i = 0; i < count; i++) {
      const raisedOn = this.dateBetween(addDays(cycle.startsOn, 7), addDays(cycle.until, -1));
      if (raisedOn) this.signal(area, raisedOn);
    }
  }

  private signal(area: Area, raisedOn: string): void {
    const { profile } = area;
    const signalId = this.id();
    const kind = this.rng.weighted(profile.signalKinds);
    const team = area.teams.length > 0 && this.rng.chance(0.7) ? this.rng.pick(area.teams) : undefined;
    const doubters = area.stakeholders.filter((s) => s.attitude === 'skeptic' || s.attitude === 'resistor');
    const aboutPerson = kind === 'unconvinced' || kind === 'active-opposition' || !team;
    const stakeholder = aboutPerson && doubters.length > 0 ? this.rng.pick(doubters) : undefined;
    const coachId = team?.coachId ?? stakeholder?.coachId ?? this.rng.pick(area.coachIds);
    const by = coach(coachId);

    // Most signals are a coach's observation; some arrive from an integration. Rules raise theirs
    // as the server catches up on the story (see `stalledSync` and `strategyDispute`).
    const origin = this.rng.next();
    const [source, actor] =
      origin < 0.25 && kind === 'tool-friction' ? (['integration', issueTracker] as const) : (['observed', by] as const);
    const subject = team ? `${team.name}: ` : stakeholder ? `${stakeholder.name} (${stakeholder.role}): ` : '';
    const data = {
      signalId,
      areaId: area.areaId,
      ...(team ? { teamId: team.teamId } : {}),
      ...(stakeholder ? { stakeholderId: stakeholder.stakeholderId } : {}),
      kind,
      severity: this.rng.int(...severities[kind]),
      description: subject + this.rng.pick(signalTexts[kind]),
      source,
      raisedOn,
    };
    this.record(raisedOn, actor, { type: 'RaiseResistanceSignal', data });
    this.signals += 1;

    const acknowledgedOn = addDays(raisedOn, this.rng.int(0, 3));
    if (acknowledgedOn > this.today || !this.rng.chance(0.85)) return;
    this.record(acknowledgedOn, by, { type: 'AcknowledgeResistanceSignal', data: { signalId, acknowledgedOn } });

    let lastOn = acknowledgedOn;
    let improved = false;
    const attempts = this.rng.int(1, 2);
    for (let attempt = 0; attempt < attempts && !improved; attempt++) {
      const interventionId = this.id();
      const dueOn = addDays(lastOn, this.rng.int(5, 21));
      this.record(lastOn, by, {
        type: 'PlanIntervention',
        data: { signalId, interventionId, kind: this.rng.pick(interventionsFor[kind]), ownerId: coachId, dueOn },
      });
      if (dueOn > this.today) return;
      lastOn = dueOn;
      // An intervention that never happened leaves the signal to the sponsor or to time.
      if (!this.rng.chance(profile.interventionDone)) break;
      improved = this.rng.chance(profile.resolved + 0.2);
      const outcome = this.rng.pick(improved ? outcomes.good : outcomes.poor);
      this.record(dueOn, by, { type: 'CompleteIntervention', data: { signalId, interventionId, outcome, completedOn: dueOn } });
    }

    const decidedOn = addDays(lastOn, this.rng.int(1, 10));
    if (decidedOn > this.today) return;
    if (improved && this.rng.chance(profile.resolved / (profile.resolved + 0.2))) {
      this.record(decidedOn, by, {
        type: 'ResolveResistanceSignal',
        data: { signalId, resolution: this.rng.pick(resolutions), resolvedOn: decidedOn },
      });
    } else if (this.rng.chance(profile.escalated)) {
      const sponsor = area.stakeholders[0];
      const to = sponsor ? `${sponsor.name}, ${sponsor.role}` : `${area.blueprint.sponsorRole}`;
      this.record(decidedOn, by, {
        type: 'EscalateResistanceSignal',
        data: { signalId, to, reason: this.rng.pick(escalationReasons), escalatedOn: decidedOn },
      });
    }
  }

  /**
   * Told last, so every earlier step stays as it was: the first supporter (or champion) falls two steps
   * today, which the attitude rule infers as resistance (docs/rules.md).
   */
  warningSigns(): void {
    const stakeholder = this.stakeholders.find((s) => attitudeScale.indexOf(s.attitude) >= attitudeScale.indexOf('supporter'));
    if (stakeholder === undefined) return;
    const attitude = attitudeScale[attitudeScale.indexOf(stakeholder.attitude) - 2]!;
    stakeholder.attitude = attitude;
    this.record(this.today, coach(stakeholder.coachId), {
      type: 'AssessAttitude',
      data: { stakeholderId: stakeholder.stakeholderId, attitude, note: "Pulled back sharply: the quarter's targets were cut" },
    });
  }

  /**
   * Told last: the OKR tool stopped syncing one team's key results STALLED_SYNC_DAYS ago (its
   * board moved to another project) while its check-ins went on, so only the stalled-progress
   * rule notices. The reports it would have synced since are taken out of the story; nothing
   * else depends on them. A current cycle too young for that leaves the story as it was.
   */
  stalledSync(): void {
    const current = this.cycles.find((c) => c.isCurrent)!;
    const since = addDays(this.today, -STALLED_SYNC_DAYS);
    if (daysBetween(current.startsOn, since) < 7) return;
    const reportIn = (step: Step): ReportKeyResultProgress['data'] | null =>
      step.command.type === 'ReportKeyResultProgress' && step.command.data.cycleId === current.cycleId ? step.command.data : null;
    const before = new Set<string>();
    let teamId: string | undefined;
    for (const step of this.steps) {
      const report = reportIn(step);
      if (report === null) continue;
      if (report.reportedOn <= since) before.add(report.teamId);
      else if (before.has(report.teamId)) {
        teamId = report.teamId;
        break;
      }
    }
    if (teamId === undefined) return;
    let kept = 0;
    for (const step of this.steps) {
      const report = reportIn(step);
      if (report !== null && report.teamId === teamId && report.reportedOn > since) continue;
      this.steps[kept++] = step;
    }
    this.steps.length = kept;
  }

  /**
   * Told last: DISPUTING_AREA's head, disputing the reliability budget, unlinked every objective
   * of the area, its own and its teams', from the strategy DISPUTE_DAYS ago, and its teams have
   * skipped their check-ins since. None reaches a theme any more, align and run fall on the
   * heatmap, and the area-score-drop rule infers it as resistance. (Align alone weighs 15, so
   * unlinking alone could not fall 15 points.) The skipped check-ins replace the held ones in
   * place and draw no numbers, so the rest of the story stays as it was.
   */
  strategyDispute(): void {
    const area = this.areas.find((a) => a.blueprint.code === DISPUTING_AREA);
    const current = this.cycles.find((c) => c.isCurrent)!;
    const on = addDays(this.today, -DISPUTE_DAYS);
    // Before its teams linked their objectives, or without a check-in due, there is nothing to fall.
    if (area === undefined || daysBetween(current.startsOn, on) < 28) return;
    const teams = new Set(area.teams.map((t) => t.teamId));
    // The objectives linked by then: those linked later are the area's answer after the dispute began.
    const linked = new Set(
      this.steps.flatMap(({ command, occurredAt }) =>
        command.type === 'LinkObjective' && occurredAt.slice(0, 10) <= on ? [command.data.objectiveId] : [],
      ),
    );
    const objectives = this.steps.flatMap(({ command }) =>
      command.type === 'SetObjective' &&
      command.data.cycleId === current.cycleId &&
      (command.data.teamId === undefined ? command.data.areaId === area.areaId : teams.has(command.data.teamId)) &&
      linked.has(command.data.objectiveId)
        ? [command.data.objectiveId]
        : [],
    );
    const by = coach(area.coachIds[0]!);
    const isSkipped = ({ command }: Step): boolean =>
      command.type === 'HoldCheckIn' &&
      command.data.cycleId === current.cycleId &&
      teams.has(command.data.teamId) &&
      command.data.heldOn > on;
    const skipped = this.steps.filter(isSkipped);
    let kept = 0;
    for (const step of this.steps) if (!isSkipped(step)) this.steps[kept++] = step;
    this.steps.length = kept;
    for (const objectiveId of objectives) this.record(on, by, { type: 'UnlinkObjective', data: { objectiveId } });
    // After the unlinks, as the rules must see them: the check-ins skipped since, on their days.
    for (const step of skipped)
      if (step.command.type === 'HoldCheckIn') {
        const { teamId, cycleId, heldOn } = step.command.data;
        this.steps.push({
          ...step,
          actor: by,
          command: { type: 'MissCheckIn', data: { teamId, cycleId, dueOn: heldOn, reason: DISPUTE_REASON } },
        });
      }
  }

  close(cycle: Cycle): void {
    const closedOn = earlierOf(addDays(cycle.endsOn, this.rng.int(1, 3)), this.today);
    this.record(closedOn, system, { type: 'CloseCycle', data: { cycleId: cycle.cycleId, closedOn } });
  }
}

/** Tells the whole story: the same options always give the same steps. */
export function tellStory({ seed, today, scale }: StoryOptions): Story {
  const teller = new Teller(new Random(seed), today, scale);
  teller.setUp();
  const [previous, current] = teller.cycles as [Cycle, Cycle];
  teller.liveThrough(previous);
  teller.close(previous);
  teller.liveThrough(current);
  teller.warningSigns();
  teller.stalledSync();
  teller.strategyDispute();
  return {
    steps: teller.steps,
    areas: teller.areas.length,
    coaches: new Set(teller.areas.flatMap((a) => a.coachIds)).size,
    teams: teller.teams.length,
    stakeholders: teller.stakeholders.length,
    cycles: teller.cycles.length,
    signals: teller.signals,
  };
}
