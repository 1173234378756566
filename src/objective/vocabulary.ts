import type { StrategyEvent } from './events.ts';

/** The strategy slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<StrategyEvent['type'], string> = {
  StrategicThemeSet: 'Strategic theme set',
  StrategicThemeRenamed: 'Strategic theme renamed',
  StrategicThemeDropped: 'Strategic theme dropped',
  ObjectiveSet: 'Objective set',
  ObjectiveRenamed: 'Objective renamed',
  KeyResultDefined: 'Key result defined',
  ObjectiveLinked: 'Objective linked',
  ObjectiveUnlinked: 'Objective unlinked',
  ObjectiveDropped: 'Objective dropped',
};
