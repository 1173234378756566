import { accessEvents, type AccessEvent } from './access/events.ts';
import { areaEvents, type AreaEvent } from './area/events.ts';
import { coachEvents, type CoachEvent } from './coach/events.ts';
import { cycleEvents, type CycleEvent } from './cycle/events.ts';
import { integrationEvents, type IntegrationEvent } from './integration/events.ts';
import { strategyEvents, type StrategyEvent } from './objective/events.ts';
import { resistanceEvents, type ResistanceEvent } from './resistance/events.ts';
import { ValidationError } from './shared/errors.ts';
import { EventMetadata, type EventDefinition, type NewEvent } from './shared/event.ts';
import { zodIssuesToValidationError } from './shared/validation.ts';
import { stakeholderEvents, type StakeholderEvent } from './stakeholder/events.ts';
import { teamEvents, type TeamEvent } from './team/events.ts';

/** The event catalogue: every event type Uptake stores, with its schema and version. */
export const catalogue: ReadonlyMap<string, EventDefinition> = new Map(
  [
    ...areaEvents,
    ...coachEvents,
    ...cycleEvents,
    ...teamEvents,
    ...stakeholderEvents,
    ...resistanceEvents,
    ...integrationEvents,
    ...accessEvents,
    ...strategyEvents,
  ].map((d) => [d.type, d as EventDefinition]),
);

export type UptakeEvent =
  | AreaEvent
  | CoachEvent
  | CycleEvent
  | TeamEvent
  | StakeholderEvent
  | ResistanceEvent
  | IntegrationEvent
  | AccessEvent
  | StrategyEvent;
export type UptakeEventType = UptakeEvent['type'];

/** Validates an event's data against its schema; the error names each field and rule. */
export function parseEvent(type: string, data: unknown): UptakeEvent {
  const definition = catalogue.get(type);
  if (!definition) throw ValidationError.field('type', `unknown event type "${type}"`);
  const result = definition.schema.safeParse(data);
  if (!result.success) throw zodIssuesToValidationError(result.error.issues, ['data']);
  return { type, data: result.data } as UptakeEvent;
}

/** Rejects an event whose data or metadata breaks its schema; the store calls it before every append. */
export function validateNewEvent(event: NewEvent): void {
  parseEvent(event.type, event.data);
  const metadata = EventMetadata.safeParse(event.metadata);
  if (!metadata.success) throw zodIssuesToValidationError(metadata.error.issues, ['metadata']);
}
