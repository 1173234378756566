import type { z } from 'zod';
import type { AdkarStage, Attitude, EngagementKind, StakeholderEvent } from './events.ts';

/** Words for the stakeholder slice's values: colour is never the only signal, so each has a mark too. */

export const attitudes: Record<z.infer<typeof Attitude>, { label: string; mark: string }> = {
  champion: { label: 'Champion', mark: '++' },
  supporter: { label: 'Supporter', mark: '+' },
  neutral: { label: 'Neutral', mark: '=' },
  skeptic: { label: 'Skeptic', mark: '−' },
  resistor: { label: 'Resistor', mark: '−−' },
};

export const adkarLabels: Record<z.infer<typeof AdkarStage>, string> = {
  awareness: 'Awareness',
  desire: 'Desire',
  knowledge: 'Knowledge',
  ability: 'Ability',
  reinforcement: 'Reinforcement',
};

export const engagementLabels: Record<z.infer<typeof EngagementKind>, string> = {
  meeting: 'Meeting',
  workshop: 'Workshop',
  'one-on-one': 'One-on-one',
  communication: 'Communication',
  training: 'Training',
  feedback: 'Feedback',
};

export const sentiments = [
  { value: -2, key: 'very-negative', label: 'Very negative' },
  { value: -1, key: 'negative', label: 'Negative' },
  { value: 0, key: 'neutral', label: 'Neutral' },
  { value: 1, key: 'positive', label: 'Positive' },
  { value: 2, key: 'very-positive', label: 'Very positive' },
] as const;

export const ratingWords = ['very low', 'low', 'medium', 'high', 'very high'] as const;

export const healthLabels = { healthy: 'Healthy', 'at-risk': 'At risk', neglected: 'Neglected' } as const;

/** Attitude or ADKAR stage before the first assessment. */
export const unassessed = { label: 'Not assessed', mark: '?' } as const;

/** What each entry of a stakeholder's history changed. */
export const historyLabels = {
  identified: 'Identified',
  mapping: 'Influence × interest',
  attitude: 'Attitude',
  adkar: 'ADKAR stage',
  desired: 'Desired attitude',
} as const;

export const sortLabels = { influence: 'Influence', interest: 'Interest', name: 'Name', engagement: 'Longest without engagement' } as const;

/** The stakeholder slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<StakeholderEvent['type'], string> = {
  StakeholderIdentified: 'Stakeholder identified',
  StakeholderMapped: 'Stakeholder mapped',
  AttitudeAssessed: 'Attitude assessed',
  AdkarStageAssessed: 'ADKAR stage assessed',
  EngagementLogged: 'Engagement logged',
  StakeholderDesiredAttitudeSet: 'Desired attitude set',
};
