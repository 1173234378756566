import type { Scope } from '../shared/commandHandler.ts';
import type { Directory } from '../shared/directory.ts';
import type { Role } from './events.ts';

interface Someone {
  role: Role;
  coachId: string | null;
}

/**
 * Where someone may record: an admin everywhere; a coach in the areas they coach and every area
 * under them (assignments made later count at once); a leader nowhere.
 */
export async function scopeOf(
  someone: Someone,
  areasCoachedBy: (coachId: string) => readonly { areaId: string; name: string }[],
  directory: Pick<Directory, 'descendantsOf'>,
): Promise<Scope> {
  if (someone.role === 'admin') return 'everywhere';
  const coached = someone.role === 'coach' && someone.coachId !== null ? areasCoachedBy(someone.coachId) : [];
  const below = await Promise.all(coached.map((area) => directory.descendantsOf(area.areaId)));
  return {
    areas: new Set([...coached.map((area) => area.areaId), ...below.flat()]),
    names: coached.length === 0 ? 'none yet: an admin assigns coaches to areas' : coached.map((area) => area.name).join(', '),
  };
}
