/**
 * The demo organisation's blueprint: its areas, how far each has come with OKRs (its adoption
 * profile), and the names the seed draws from. Numbers here are the story's knobs; the story
 * itself is told in story.ts.
 */
import type { z } from 'zod';
import type { ResistanceKind } from '../resistance/events.ts';
import type { Attitude } from '../stakeholder/events.ts';

export type ProfileName = 'embedded' | 'practicing' | 'lagging' | 'resisting';

type Range = readonly [min: number, max: number];

/** How an area adopts OKRs: the probabilities and delays that drive every team and stakeholder in it. */
export interface AdoptionProfile {
  /** Share of teams trained in OKR basics before the previous cycle started. */
  trainedEarly: number;
  /** Share of teams trained at all by the end of the previous cycle. */
  trained: number;
  /** Share of trained teams that take a further training in a cycle. */
  followUpTraining: number;
  /** Share of a team that attends a training. */
  attendance: Range;
  /** Days after the cycle starts that a team drafts its OKRs. */
  draftAfterDays: Range;
  publish: number;
  /** Days from draft to publish. */
  publishAfterDays: Range;
  align: number;
  /** Chance that a due check-in is held. */
  checkIn: number;
  /** Key-result progress syncs from the OKR tool per key result per week (at most one a working day). */
  progressSyncs: number;
  review: number;
  retrospective: number;
  /** Added to the chances above in the current cycle: the area's trend. */
  trend: number;
  /** Resistance signals raised per team per cycle, on average. */
  signalsPerTeam: number;
  signalKinds: readonly (readonly [z.infer<typeof ResistanceKind>, number])[];
  /** Chance a signal's intervention is done, and then that the signal is resolved. */
  interventionDone: number;
  resolved: number;
  /** Chance an unresolved signal is escalated to the area's sponsor. */
  escalated: number;
  attitudes: readonly (readonly [z.infer<typeof Attitude>, number])[];
  /** Chance an attitude reassessment moves one step towards champion (else it may slip back). */
  attitudeImproves: number;
  /** Engagements a coach logs with each stakeholder per cycle, on average. */
  engagementsPerStakeholder: number;
  /** Sentiment of an engagement, relative to the stakeholder's attitude. */
  sentimentBias: number;
}

export const profiles: Readonly<Record<ProfileName, AdoptionProfile>> = {
  embedded: {
    trainedEarly: 0.9,
    trained: 1,
    followUpTraining: 0.7,
    attendance: [0.85, 1],
    draftAfterDays: [0, 4],
    publish: 0.98,
    publishAfterDays: [2, 6],
    align: 0.95,
    checkIn: 0.94,
    progressSyncs: 3.5,
    review: 0.95,
    retrospective: 0.9,
    trend: 0.02,
    signalsPerTeam: 0.15,
    signalKinds: [
      ['tool-friction', 3],
      ['no-time', 2],
      ['unable', 1],
    ],
    interventionDone: 0.95,
    resolved: 0.9,
    escalated: 0,
    attitudes: [
      ['champion', 4],
      ['supporter', 5],
      ['neutral', 2],
      ['skeptic', 1],
    ],
    attitudeImproves: 0.75,
    engagementsPerStakeholder: 12,
    sentimentBias: 0.6,
  },
  practicing: {
    trainedEarly: 0.4,
    trained: 0.95,
    followUpTraining: 0.5,
    attendance: [0.65, 0.95],
    draftAfterDays: [3, 12],
    publish: 0.9,
    publishAfterDays: [3, 10],
    align: 0.65,
    checkIn: 0.75,
    progressSyncs: 3.5,
    review: 0.75,
    retrospective: 0.55,
    trend: 0.08,
    signalsPerTeam: 0.4,
    signalKinds: [
      ['no-time', 3],
      ['unable', 2],
      ['tool-friction', 2],
      ['unaware', 1],
    ],
    interventionDone: 0.85,
    resolved: 0.75,
    escalated: 0.05,
    attitudes: [
      ['champion', 1],
      ['supporter', 4],
      ['neutral', 4],
      ['skeptic', 2],
    ],
    attitudeImproves: 0.6,
    engagementsPerStakeholder: 10,
    sentimentBias: 0.3,
  },
  lagging: {
    trainedEarly: 0.1,
    trained: 0.6,
    followUpTraining: 0.25,
    attendance: [0.4, 0.8],
    draftAfterDays: [10, 28],
    publish: 0.65,
    publishAfterDays: [5, 18],
    align: 0.2,
    checkIn: 0.45,
    progressSyncs: 2.2,
    review: 0.35,
    retrospective: 0.15,
    trend: 0.06,
    signalsPerTeam: 0.8,
    signalKinds: [
      ['no-time', 4],
      ['passive-non-participation', 3],
      ['unaware', 2],
      ['unable', 2],
      ['unconvinced', 1],
    ],
    interventionDone: 0.7,
    resolved: 0.5,
    escalated: 0.1,
    attitudes: [
      ['supporter', 2],
      ['neutral', 5],
      ['skeptic', 3],
      ['resistor', 1],
    ],
    attitudeImproves: 0.45,
    engagementsPerStakeholder: 8,
    sentimentBias: -0.1,
  },
  resisting: {
    trainedEarly: 0,
    trained: 0.45,
    followUpTraining: 0.1,
    attendance: [0.25, 0.6],
    draftAfterDays: [20, 45],
    publish: 0.45,
    publishAfterDays: [7, 21],
    align: 0.05,
    checkIn: 0.22,
    progressSyncs: 1.1,
    review: 0.15,
    retrospective: 0.05,
    trend: -0.03,
    signalsPerTeam: 2.2,
    signalKinds: [
      ['unconvinced', 4],
      ['no-time', 3],
      ['active-opposition', 3],
      ['tool-friction', 2],
      ['passive-non-participation', 2],
    ],
    interventionDone: 0.5,
    resolved: 0.25,
    escalated: 0.45,
    attitudes: [
      ['neutral', 2],
      ['skeptic', 5],
      ['resistor', 4],
    ],
    attitudeImproves: 0.2,
    engagementsPerStakeholder: 9,
    sentimentBias: -0.9,
  },
};

export interface AreaBlueprint {
  code: string;
  name: string;
  parentCode: string | null;
  profile: ProfileName;
  /** Teams at scale 1. */
  teams: number;
  /** Team names to draw from; repeated with a number when the area needs more. */
  teamNames: readonly string[];
  /** Who sponsors OKRs here: the stakeholder escalations go to. */
  sponsorRole: string;
  roles: readonly string[];
}

/** Parents come before their children. Teams at scale 1 add up to 40. */
export const areas: readonly AreaBlueprint[] = [
  {
    code: 'TECH',
    name: 'Technology',
    parentCode: null,
    profile: 'embedded',
    teams: 1,
    teamNames: ['Architecture Guild'],
    sponsorRole: 'Chief Technology Officer',
    roles: ['VP Engineering', 'Principal Engineer'],
  },
  {
    code: 'PLAT',
    name: 'Platform',
    parentCode: 'TECH',
    profile: 'embedded',
    teams: 7,
    teamNames: [
      'Core Services',
      'Developer Experience',
      'Cloud Infrastructure',
      'Identity',
      'Observability',
      'Release Engineering',
      'Edge Network',
    ],
    sponsorRole: 'Head of Platform',
    roles: ['Engineering Manager', 'Staff Engineer', 'Site Reliability Lead', 'Team Lead'],
  },
  {
    code: 'DATA',
    name: 'Data',
    parentCode: 'TECH',
    profile: 'practicing',
    teams: 5,
    teamNames: ['Analytics', 'Data Platform', 'Machine Learning', 'Data Governance', 'Reporting'],
    sponsorRole: 'Head of Data',
    roles: ['Data Engineering Manager', 'Lead Data Scientist', 'Analytics Lead', 'Team Lead'],
  },
  {
    code: 'PROD',
    name: 'Product',
    parentCode: null,
    profile: 'practicing',
    teams: 3,
    teamNames: ['Product Strategy', 'Design System', 'User Research'],
    sponsorRole: 'Chief Product Officer',
    roles: ['Group Product Manager', 'Head of Design', 'Product Manager'],
  },
  {
    code: 'GROW',
    name: 'Growth',
    parentCode: 'PROD',
    profile: 'embedded',
    teams: 5,
    teamNames: ['Onboarding', 'Activation', 'Pricing', 'Experimentation', 'Lifecycle Marketing'],
    sponsorRole: 'Head of Growth',
    roles: ['Product Manager', 'Growth Engineering Lead', 'Marketing Manager', 'Team Lead'],
  },
  {
    code: 'OPS',
    name: 'Operations',
    parentCode: null,
    profile: 'lagging',
    teams: 3,
    teamNames: ['Procurement', 'Facilities', 'Logistics'],
    sponsorRole: 'Chief Operating Officer',
    roles: ['Operations Director', 'Process Manager', 'Team Lead'],
  },
  {
    code: 'SUPPORT',
    name: 'Customer Support',
    parentCode: 'OPS',
    profile: 'lagging',
    teams: 5,
    teamNames: ['Tier One Support', 'Tier Two Support', 'Support Tooling', 'Knowledge Base', 'Enterprise Care'],
    sponsorRole: 'Head of Customer Support',
    roles: ['Support Manager', 'Shift Lead', 'Quality Lead', 'Team Lead'],
  },
  {
    code: 'SALES',
    name: 'Sales',
    parentCode: null,
    profile: 'resisting',
    teams: 6,
    teamNames: ['Enterprise Sales', 'Mid-Market Sales', 'Inside Sales', 'Sales Operations', 'Partnerships', 'Solutions Engineering'],
    sponsorRole: 'VP Sales',
    roles: ['Regional Sales Director', 'Sales Manager', 'Account Executive', 'Sales Operations Lead'],
  },
  {
    code: 'FIN',
    name: 'Finance',
    parentCode: null,
    profile: 'lagging',
    teams: 2,
    teamNames: ['Financial Planning', 'Accounting'],
    sponsorRole: 'Chief Financial Officer',
    roles: ['Finance Director', 'Controller', 'Finance Business Partner'],
  },
  {
    code: 'PEOPLE',
    name: 'People',
    parentCode: null,
    profile: 'practicing',
    teams: 3,
    teamNames: ['Talent Acquisition', 'People Partners', 'Learning and Development'],
    sponsorRole: 'Chief People Officer',
    roles: ['HR Business Partner', 'Recruiting Lead', 'Learning Manager'],
  },
];

export const coachesAtScaleOne = 7;
export const stakeholdersAtScaleOne = 120;

export const firstNames = [
  'Amara',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olu',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
  'Aiko',
  'Bruno',
  'Carmen',
  'Dmitri',
] as const;

export const lastNames = [
  'Adeyemi',
  'Bauer',
  'Costa',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jensen',
  'Kowalski',
  'Larsen',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Quist',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Uribe',
  'Varga',
  'Walsh',
  'Xu',
  'Yilmaz',
  'Zimmermann',
] as const;

/** The organisation's strategy: the last theme is one nobody has taken up yet. */
export const strategicThemes = [
  'Grow recurring revenue',
  'Customers succeed without asking for help',
  'A platform teams trust and ship on daily',
  'Enter two new markets',
] as const;

/**
 * Each area's objectives for the open cycle: `theme` (an index into strategicThemes) for an area
 * at the top, its parent's first objective otherwise; `null` leaves it unlinked (People's is the
 * demo's orphan area objective, and Finance's has no key results yet).
 */
export const areaObjectives: Readonly<Record<string, readonly { title: string; theme: number | null; keyResults: readonly string[] }[]>> = {
  TECH: [
    {
      title: 'Engineering delivers safely, every day',
      theme: 2,
      keyResults: ['Deploys per team per week above 10', 'Change failure rate under 10%'],
    },
  ],
  PLAT: [
    {
      title: 'Self-service infrastructure for every team',
      theme: 2,
      keyResults: ['80% of services on the golden path', 'New service live in under a day'],
    },
    { title: 'Reliability customers notice', theme: 1, keyResults: ['Availability 99.95%', 'Pages per week halved'] },
  ],
  DATA: [{ title: 'Decisions on trusted data', theme: 0, keyResults: ['Core metrics certified', 'Dashboards fresh within an hour'] }],
  PROD: [{ title: 'A product customers recommend', theme: 1, keyResults: ['NPS above 45', 'Activation within 7 days at 60%'] }],
  GROW: [{ title: 'More trials become paying customers', theme: 0, keyResults: ['Trial conversion at 18%', 'Expansion revenue up 12%'] }],
  OPS: [{ title: 'Operations scale without headcount', theme: 1, keyResults: ['Cost per ticket down 15%'] }],
  SUPPORT: [
    { title: 'Answers before customers ask', theme: 1, keyResults: ['Self-service resolution at 40%', 'First response under 1 hour'] },
  ],
  SALES: [
    { title: 'Bigger, longer customer relationships', theme: 0, keyResults: ['Net revenue retention 112%', 'Average deal size up 10%'] },
  ],
  FIN: [{ title: 'Cash to invest in growth', theme: 0, keyResults: [] }],
  PEOPLE: [{ title: 'Everyone knows how their work counts', theme: null, keyResults: ['Engagement survey at 75%'] }],
};

/** Team objectives are drawn from these, each with two to five key results from the next list. */
export const teamObjectiveTitles = [
  'Ship the smallest useful thing every week',
  'Cut the time from idea to customer in half',
  'Make our part of the product effortless',
  'Remove the top three sources of toil',
  'Earn our customers’ trust on every release',
  'Know what our users need before they ask',
] as const;
export const keyResultTitles = [
  'Lead time under 3 days',
  'Customer-reported defects down 30%',
  'Three experiments run and read',
  'Toil hours per week halved',
  'Satisfaction score above 4.3',
  'Every service has an owner and a runbook',
  'Adoption of the new flow at 50%',
  'Backlog older than 90 days cleared',
] as const;
