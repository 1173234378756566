import { z } from 'zod';
import { defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const Title = text({ min: 2, max: 160 });
export const ParentKind = z.enum(['theme', 'objective']);

// Strategic themes: the organisation's strategy, spanning cycles; what every chain of objectives should reach.
export const StrategicThemeSet = defineEvent('StrategicThemeSet', z.object({ themeId: Id, title: Title }));
export const StrategicThemeRenamed = defineEvent('StrategicThemeRenamed', z.object({ themeId: Id, title: Title }));
export const StrategicThemeDropped = defineEvent('StrategicThemeDropped', z.object({ themeId: Id }));

/** An objective of an area (no `teamId`) or of a team (`areaId` is then the team's area when it was set), for one cycle. */
export const ObjectiveSet = defineEvent(
  'ObjectiveSet',
  z.object({ objectiveId: Id, title: Title, cycleId: Id, areaId: Id, teamId: Id.optional() }),
);
export const ObjectiveRenamed = defineEvent('ObjectiveRenamed', z.object({ objectiveId: Id, title: Title }));
export const KeyResultDefined = defineEvent('KeyResultDefined', z.object({ objectiveId: Id, keyResultId: Id, title: Title }));
/**
 * The objective serves this parent (its one parent: a new link replaces the old). `crossArea`
 * marks a team objective that contributes to another area's objective, outside its own area chain.
 */
export const ObjectiveLinked = defineEvent(
  'ObjectiveLinked',
  z.object({ objectiveId: Id, parentKind: ParentKind, parentId: Id, crossArea: z.boolean() }),
);
export const ObjectiveUnlinked = defineEvent('ObjectiveUnlinked', z.object({ objectiveId: Id }));
export const ObjectiveDropped = defineEvent('ObjectiveDropped', z.object({ objectiveId: Id }));

export const themeEvents = [StrategicThemeSet, StrategicThemeRenamed, StrategicThemeDropped] as const;
export const objectiveEvents = [
  ObjectiveSet,
  ObjectiveRenamed,
  KeyResultDefined,
  ObjectiveLinked,
  ObjectiveUnlinked,
  ObjectiveDropped,
] as const;
export const strategyEvents = [...themeEvents, ...objectiveEvents] as const;
export type ThemeEvent = EventOf<(typeof themeEvents)[number]>;
export type ObjectiveEvent = EventOf<(typeof objectiveEvents)[number]>;
export type StrategyEvent = ThemeEvent | ObjectiveEvent;
