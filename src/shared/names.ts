import type { Actor } from './event.ts';

/**
 * The names of the things events mention by id, from the read models, so an event can be put in
 * words ("Team moved to Finance") without storing the words: rewording needs no rebuild. An id
 * nothing is known by yet comes back as it is.
 */
export interface Names {
  area(areaId: string): string;
  team(teamId: string): string;
  coach(coachId: string): string;
  cycle(cycleId: string): string;
  stakeholder(stakeholderId: string): string;
  /** A strategic theme's or an objective's title. */
  theme(themeId: string): string;
  objective(objectiveId: string): string;
  /** A signed-in person, by the name on their account. */
  account(accountId: string): string;
  /** Who recorded an event: a person's name, an integration's source, Uptake itself. */
  actor(actor: Actor): string;
}
