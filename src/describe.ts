import { describeAccessEvent } from './access/describe.ts';
import { accessEvents, type AccessEvent } from './access/events.ts';
import { eventTypeLabels as accessTypeLabels } from './access/vocabulary.ts';
import { describeAreaEvent } from './area/describe.ts';
import { eventTypeLabels as areaTypeLabels } from './area/vocabulary.ts';
import { areaEvents, type AreaEvent } from './area/events.ts';
import { describeCoachEvent } from './coach/describe.ts';
import { eventTypeLabels as coachTypeLabels } from './coach/vocabulary.ts';
import { coachEvents, type CoachEvent } from './coach/events.ts';
import { describeCycleEvent } from './cycle/describe.ts';
import { eventTypeLabels as cycleTypeLabels } from './cycle/vocabulary.ts';
import { cycleEvents, type CycleEvent } from './cycle/events.ts';
import type { UptakeEvent } from './events.ts';
import { describeIntegrationEvent } from './integration/describe.ts';
import { integrationEvents, type IntegrationEvent } from './integration/events.ts';
import { eventTypeLabels as integrationTypeLabels } from './integration/vocabulary.ts';
import { describeStrategyEvent } from './objective/describe.ts';
import { strategyEvents, type StrategyEvent } from './objective/events.ts';
import { eventTypeLabels as strategyTypeLabels } from './objective/vocabulary.ts';
import { describeResistanceEvent } from './resistance/describe.ts';
import { resistanceEvents, type ResistanceEvent } from './resistance/events.ts';
import { eventTypeLabels as resistanceTypeLabels } from './resistance/vocabulary.ts';
import type { EventDefinition } from './shared/event.ts';
import type { Names } from './shared/names.ts';
import { labelOf } from './shared/vocabulary.ts';
import { describeStakeholderEvent } from './stakeholder/describe.ts';
import { stakeholderEvents, type StakeholderEvent } from './stakeholder/events.ts';
import { eventTypeLabels as stakeholderTypeLabels } from './stakeholder/vocabulary.ts';
import { describeTeamEvent } from './team/describe.ts';
import { teamEvents, type TeamEvent } from './team/events.ts';
import { eventTypeLabels as teamTypeLabels } from './team/vocabulary.ts';

type Describe = (event: UptakeEvent, names: Names) => string;

/** Each slice puts its own events in words; an event type belongs to exactly one slice. */
const bySlice = <E extends UptakeEvent>(events: readonly EventDefinition[], describe: (event: E, names: Names) => string) =>
  events.map((d): [string, Describe] => [d.type, describe as Describe]);

const describers: ReadonlyMap<string, Describe> = new Map([
  ...bySlice<AreaEvent>(areaEvents, describeAreaEvent),
  ...bySlice<CoachEvent>(coachEvents, describeCoachEvent),
  ...bySlice<CycleEvent>(cycleEvents, describeCycleEvent),
  ...bySlice<TeamEvent>(teamEvents, describeTeamEvent),
  ...bySlice<StakeholderEvent>(stakeholderEvents, describeStakeholderEvent),
  ...bySlice<ResistanceEvent>(resistanceEvents, describeResistanceEvent),
  ...bySlice<IntegrationEvent>(integrationEvents, describeIntegrationEvent),
  ...bySlice<AccessEvent>(accessEvents, describeAccessEvent),
  ...bySlice<StrategyEvent>(strategyEvents, describeStrategyEvent),
]);

/** Any stored event in one line a person reads, in its slice's words; names come from the read models at the time of reading. */
export function describeEvent(event: UptakeEvent, names: Names): string {
  return describers.get(event.type)?.(event, names) ?? event.type;
}

/** Every event type in words, from each slice's vocabulary: what a page shows instead of a type name. */
export const eventTypeLabels: Readonly<Record<UptakeEvent['type'], string>> = {
  ...areaTypeLabels,
  ...coachTypeLabels,
  ...cycleTypeLabels,
  ...teamTypeLabels,
  ...stakeholderTypeLabels,
  ...resistanceTypeLabels,
  ...integrationTypeLabels,
  ...accessTypeLabels,
  ...strategyTypeLabels,
};

/** A stored type the catalogue no longer knows is shown as it is. */
export const eventTypeLabel = (type: string): string => labelOf(eventTypeLabels, type);
