import { z } from 'zod';
import { defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const AreaCode = z
  .string()
  .trim()
  .min(2)
  .max(12)
  .regex(/^[A-Z0-9]+$/, 'must be upper-case letters and digits only');
export const AreaName = text({ min: 2, max: 80 });

export const AreaRegistered = defineEvent(
  'AreaRegistered',
  z.object({ areaId: Id, code: AreaCode, name: AreaName, parentAreaId: Id.nullable() }),
);
export const AreaRenamed = defineEvent('AreaRenamed', z.object({ areaId: Id, name: AreaName }));
export const AreaMoved = defineEvent('AreaMoved', z.object({ areaId: Id, parentAreaId: Id.nullable() }));
export const CoachAssignedToArea = defineEvent('CoachAssignedToArea', z.object({ areaId: Id, coachId: Id }));
export const CoachUnassignedFromArea = defineEvent('CoachUnassignedFromArea', z.object({ areaId: Id, coachId: Id }));

export const areaEvents = [AreaRegistered, AreaRenamed, AreaMoved, CoachAssignedToArea, CoachUnassignedFromArea] as const;
export type AreaEvent = EventOf<(typeof areaEvents)[number]>;
