/**
 * An area with more teams than a page of them: Big (code BIG, under Operations) holds TEAM_PAGE + 5
 * teams. Keys A00… up to one short of a page, then two teams sharing the key DUP (so the first page
 * ends between them, and only the id tells them apart), then Z0…Z3.
 */
import { TEAM_PAGE } from '../../src/overview/viewModels.ts';
import { CYCLE, given, type World } from './webApp.ts';

export const bigAreaTeams = [
  ...Array.from({ length: TEAM_PAGE - 1 }, (_, i) => ({ teamId: `a-${i}`, key: `A${String(i).padStart(2, '0')}` })),
  { teamId: 'dup-b', key: 'DUP' },
  { teamId: 'dup-a', key: 'DUP' },
  ...Array.from({ length: 4 }, (_, i) => ({ teamId: `z-${i}`, key: `Z${i}` })),
];

/** The teams as every list orders them: by key, then id. */
export const bigAreaInOrder = [...bigAreaTeams].sort((a, b) => (a.key === b.key ? (a.teamId < b.teamId ? -1 : 1) : a.key < b.key ? -1 : 1));

/** Cycle 2026-Q4, Operations with Big under it, and Big's teams (five people each, nothing recorded yet). */
export async function seedBigArea(world: World): Promise<void> {
  await given(world, 'cycle', CYCLE, '2026-09-20', {
    type: 'CycleOpened',
    data: { cycleId: CYCLE, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14 },
  });
  await given(world, 'area', 'ops', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'ops', code: 'OPS', name: 'Operations', parentAreaId: null },
  });
  await given(world, 'area', 'big', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'big', code: 'BIG', name: 'Big', parentAreaId: 'ops' },
  });
  for (const { teamId, key } of bigAreaTeams)
    await given(world, 'team', teamId, '2026-09-21', {
      type: 'TeamRegistered',
      data: { teamId, key, name: `Team ${key}`, areaId: 'big', size: 5 },
    });
}
