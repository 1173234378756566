import { describeAreaEvent } from './area/describe.ts';
import { areaEvents, type AreaEvent } from './area/events.ts';
import { describeCoachEvent } from './coach/describe.ts';
import { coachEvents, type CoachEvent } from './coach/events.ts';
import { describeCycleEvent } from './cycle/describe.ts';
import { cycleEvents, type CycleEvent } from './cycle/events.ts';
import type { UptakeEvent } from './events.ts';
import { describeResistanceEvent } from './resistance/describe.ts';
import { resistanceEvents, type ResistanceEvent } from './resistance/events.ts';
import type { EventDefinition } from './shared/event.ts';
import type { Names } from './shared/names.ts';
import { describeStakeholderEvent } from './stakeholder/describe.ts';
import { stakeholderEvents, type StakeholderEvent } from './stakeholder/events.ts';
import { describeTeamEvent } from './team/describe.ts';
import { teamEvents, type TeamEvent } from './team/events.ts';

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
]);

/** Any stored event in one line a person reads, in its slice's words; names come from the read models at the time of reading. */
export function describeEvent(event: UptakeEvent, names: Names): string {
  return describers.get(event.type)?.(event, names) ?? event.type;
}
