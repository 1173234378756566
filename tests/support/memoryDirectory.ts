import type { Directory } from '../../src/shared/directory.ts';
import type { AccessEvent } from '../../src/access/events.ts';
import type { AreaEvent } from '../../src/area/events.ts';
import type { CoachEvent } from '../../src/coach/events.ts';
import type { CycleSpan } from '../../src/cycle/decider.ts';
import type { CycleEvent } from '../../src/cycle/events.ts';
import type { RecordedEvent } from '../../src/shared/event.ts';
import type { EventStore } from '../../src/shared/eventStore.ts';
import type { TeamEvent } from '../../src/team/events.ts';

interface Organisation {
  areas: Map<string, { code: string; name: string; parentAreaId: string | null }>;
  teamKeys: string[];
  coachEmails: string[];
  cycles: CycleSpan[];
  accounts: Map<string, { email: string; role: string; coachId: string | null; active: boolean }>;
}

async function allEvents(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let page = await store.readAll(); page.length > 0; page = await store.readAll({ after: page.at(-1)!.position }))
    events.push(...page);
  return events;
}

/** The directory answered by folding the whole store on every question: exact, and fine at test sizes. */
export function memoryDirectory(store: EventStore): Directory {
  const organisation = async (): Promise<Organisation> => {
    const org: Organisation = { areas: new Map(), teamKeys: [], coachEmails: [], cycles: [], accounts: new Map() };
    for (const event of (await allEvents(store)) as RecordedEvent<AreaEvent | TeamEvent | CoachEvent | CycleEvent | AccessEvent>[]) {
      if (event.type === 'AccountOpened')
        org.accounts.set(event.data.accountId, {
          email: event.data.email,
          role: event.data.role,
          coachId: event.data.coachId,
          active: true,
        });
      if (event.type === 'RoleChanged')
        Object.assign(org.accounts.get(event.data.accountId)!, { role: event.data.role, coachId: event.data.coachId });
      if (event.type === 'AccountDeactivated' || event.type === 'AccountReactivated')
        org.accounts.get(event.data.accountId)!.active = event.type === 'AccountReactivated';
      if (event.type === 'AreaRegistered')
        org.areas.set(event.data.areaId, { code: event.data.code, name: event.data.name, parentAreaId: event.data.parentAreaId });
      if (event.type === 'AreaRenamed') org.areas.get(event.data.areaId)!.name = event.data.name;
      if (event.type === 'AreaMoved') org.areas.get(event.data.areaId)!.parentAreaId = event.data.parentAreaId;
      if (event.type === 'TeamRegistered') org.teamKeys.push(event.data.key);
      if (event.type === 'CoachRegistered') org.coachEmails.push(event.data.email);
      if (event.type === 'CycleOpened')
        org.cycles.push({ cycleId: event.data.cycleId, name: event.data.name, startsOn: event.data.startsOn, endsOn: event.data.endsOn });
    }
    return org;
  };
  const childrenOf = (org: Organisation, parentAreaId: string | null) =>
    [...org.areas].filter(([, area]) => area.parentAreaId === parentAreaId).map(([areaId, { name }]) => ({ areaId, name }));

  return {
    areasUnder: async (parentAreaId) => childrenOf(await organisation(), parentAreaId),
    descendantsOf: async (areaId) => {
      const org = await organisation();
      const below = (id: string): string[] => childrenOf(org, id).flatMap((child) => [child.areaId, ...below(child.areaId)]);
      return below(areaId);
    },
    teamKeys: async () => (await organisation()).teamKeys,
    areaCodes: async () => [...(await organisation()).areas.values()].map((area) => area.code),
    coachEmails: async () => (await organisation()).coachEmails,
    cycles: async () => (await organisation()).cycles,
    accountOfCoach: async (coachId) => [...(await organisation()).accounts].find(([, account]) => account.coachId === coachId)?.[0] ?? null,
    accountEmails: async () => [...(await organisation()).accounts.values()].map((account) => account.email),
    activeAdmins: async () =>
      [...(await organisation()).accounts]
        .filter(([, account]) => account.role === 'admin' && account.active)
        .map(([accountId]) => accountId),
  };
}
