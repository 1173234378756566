import { describe, expect, it } from 'vitest';
import type { AreaState } from '../../src/area/decider.ts';
import type { CycleState } from '../../src/cycle/decider.ts';
import { reachingTheme } from '../../src/objective/alignment.ts';
import { LinkObjective, SetObjective } from '../../src/objective/commands.ts';
import { objectiveDecider, themeDecider, type LinkContext, type ObjectiveState, type ThemeState } from '../../src/objective/decider.ts';
import type { ObjectiveEvent } from '../../src/objective/events.ts';
import { parseCommand } from '../../src/shared/command.ts';
import type { TeamState } from '../../src/team/decider.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(objectiveDecider);
const themes = deciderSpec(themeDecider);

const q4: CycleState = {
  status: 'Open',
  cycleId: 'q4',
  name: '2026-Q4',
  startsOn: '2026-10-01',
  endsOn: '2026-12-31',
  checkInCadenceDays: 7,
};
const sales: AreaState = { status: 'Registered', areaId: 'sales', code: 'SAL', name: 'Sales', parentAreaId: 'org', coachIds: [] };
const crm: TeamState = { status: 'Registered', teamId: 'crm', key: 'CRM', name: 'CRM', areaId: 'sales', size: 6, cycles: {} };

const teamObjective = { objectiveId: 't1', title: 'Renewals without friction', cycleId: 'q4', areaId: 'sales', teamId: 'crm' };
const teamSet: ObjectiveEvent = { type: 'ObjectiveSet', data: teamObjective };
const areaSet: ObjectiveEvent = {
  type: 'ObjectiveSet',
  data: { objectiveId: 'a1', title: 'Grow renewals', cycleId: 'q4', areaId: 'sales' },
};

const theme: ThemeState = { status: 'Set', themeId: 'growth', title: 'Grow recurring revenue' };
const set = (data: Extract<ObjectiveEvent, { type: 'ObjectiveSet' }>['data']): ObjectiveState =>
  objectiveDecider.evolve(objectiveDecider.initialState(), { type: 'ObjectiveSet', data });
const salesObjective = set({ objectiveId: 'a1', title: 'Grow renewals', cycleId: 'q4', areaId: 'sales' });
const financeObjective = set({ objectiveId: 'f1', title: 'Cut days sales outstanding', cycleId: 'q4', areaId: 'finance' });

const toTheme = { objectiveId: 't1', parentKind: 'theme' as const, parentId: 'growth', crossArea: false };
const toObjective = (parentId: string, crossArea = false) => ({ objectiveId: 't1', parentKind: 'objective' as const, parentId, crossArea });
/** The team objective in 2026-Q4, its team in Sales under the organisation. */
const context = (over: Partial<LinkContext>): LinkContext => ({
  parent: { kind: 'theme', theme },
  ancestors: [],
  startsOn: '2026-10-01',
  areaChain: ['sales', 'org'],
  ...over,
});
const link = (data: LinkObjective['data'], over: Partial<LinkContext> = {}) => ({
  type: 'LinkObjective' as const,
  data,
  context: context(over),
});

describe('objective decider: setting', () => {
  it('sets a team objective in an open cycle, in the team’s own area', () => {
    spec
      .given([])
      .when({ type: 'SetObjective', data: teamObjective, context: { cycle: q4, area: sales, team: crm } })
      .then([teamSet]);
  });

  it('refuses an unknown or closed cycle, an unknown team, and an area that is not the team’s', () => {
    const when = (over: object) => ({
      type: 'SetObjective' as const,
      data: teamObjective,
      context: { cycle: q4, area: sales, team: crm, ...over },
    });
    spec
      .given([])
      .when(when({ cycle: { status: 'Empty' } }))
      .thenRejects('cycleId');
    spec
      .given([])
      .when(when({ cycle: { ...q4, status: 'Closed', closedOn: '2026-12-31' } }))
      .thenRejects('cycleId');
    spec
      .given([])
      .when(when({ team: { status: 'Empty' } }))
      .thenRejects('teamId');
    spec
      .given([])
      .when(when({ team: { ...crm, areaId: 'finance' } }))
      .thenRejects('areaId');
  });

  it('records the same objective again as nothing; other details under its id are refused', () => {
    spec
      .given([teamSet])
      .when({ type: 'SetObjective', data: teamObjective, context: { cycle: q4, area: sales, team: crm } })
      .thenNothing();
    spec
      .given([teamSet])
      .when({ type: 'SetObjective', data: { ...teamObjective, title: 'Other' }, context: { cycle: q4, area: sales, team: crm } })
      .thenRejects('objectiveId');
  });

  it('validates the title', () => {
    expectError(() => parseCommand(SetObjective, { ...teamObjective, title: 'x' }), 'title');
    expectError(() => parseCommand(SetObjective, { ...teamObjective, title: 'a\u202Eb' }), 'title');
  });

  it('defines key results once each, with distinct names', () => {
    const kr = { objectiveId: 't1', keyResultId: 'kr1', title: 'Churn under 3%' };
    spec
      .given([teamSet])
      .when({ type: 'DefineKeyResult', data: kr })
      .then([{ type: 'KeyResultDefined', data: kr }]);
    const defined: ObjectiveEvent = { type: 'KeyResultDefined', data: kr };
    spec.given([teamSet, defined]).when({ type: 'DefineKeyResult', data: kr }).thenNothing();
    spec
      .given([teamSet, defined])
      .when({ type: 'DefineKeyResult', data: { ...kr, keyResultId: 'kr2', title: 'churn UNDER 3%' } })
      .thenRejects('title');
    spec
      .given([teamSet, defined])
      .when({ type: 'DefineKeyResult', data: { ...kr, title: 'Other' } })
      .thenRejects('keyResultId');
  });
});

describe('objective decider: link rules', () => {
  it('given a team objective, when linked to a strategic theme, then it is linked', () => {
    spec
      .given([teamSet])
      .when(link(toTheme))
      .then([{ type: 'ObjectiveLinked', data: toTheme }]);
  });

  it('given the parent does not exist (or was dropped), when linked, then the parent is refused', () => {
    spec
      .given([teamSet])
      .when(link(toTheme, { parent: { kind: 'theme', theme: { status: 'Empty' } } }))
      .thenRejects('parentId');
    spec
      .given([teamSet])
      .when(link(toTheme, { parent: { kind: 'theme', theme: { ...theme, status: 'Dropped' } } }))
      .thenRejects('parentId');
    spec
      .given([teamSet])
      .when(link(toObjective('a1'), { parent: { kind: 'objective', objective: { status: 'Empty' }, startsOn: null } }))
      .thenRejects('parentId');
    const dropped = { ...salesObjective, status: 'Dropped' } as ObjectiveState;
    spec
      .given([teamSet])
      .when(link(toObjective('a1'), { parent: { kind: 'objective', objective: dropped, startsOn: '2026-10-01' } }))
      .thenRejects('parentId');
  });

  it('given a parent in the same or an earlier-starting cycle, it links; in a later-starting one, it is refused', () => {
    const parent = (startsOn: string) => ({ parent: { kind: 'objective' as const, objective: salesObjective, startsOn } });
    spec
      .given([teamSet])
      .when(link(toObjective('a1'), parent('2026-10-01')))
      .then([{ type: 'ObjectiveLinked', data: toObjective('a1') }]);
    spec
      .given([teamSet])
      .when(link(toObjective('a1'), parent('2026-07-01')))
      .then([{ type: 'ObjectiveLinked', data: toObjective('a1') }]);
    spec
      .given([teamSet])
      .when(link(toObjective('a1'), parent('2027-01-01')))
      .thenRejects('parentId');
  });

  it('given the parent already serves this objective (directly or up its chain), when linked, then the loop is refused', () => {
    spec
      .given([areaSet])
      .when({
        ...link({ ...toObjective('a1'), objectiveId: 'a1' }),
        context: context({ parent: { kind: 'objective', objective: salesObjective, startsOn: '2026-10-01' }, areaChain: [] }),
      })
      .thenRejects('parentId');
    const child = set({ objectiveId: 't1', title: 'Renewals without friction', cycleId: 'q4', areaId: 'sales', teamId: 'crm' });
    spec
      .given([areaSet])
      .when({
        type: 'LinkObjective',
        data: { objectiveId: 'a1', parentKind: 'objective', parentId: 't1', crossArea: false },
        context: context({
          parent: { kind: 'objective', objective: child, startsOn: '2026-10-01' },
          ancestors: ['x', 'a1'],
          areaChain: [],
        }),
      })
      .thenRejects('parentId');
  });

  it('given a team objective, an objective outside its area chain is refused unless marked a cross-area contribution', () => {
    const finance = { parent: { kind: 'objective' as const, objective: financeObjective, startsOn: '2026-10-01' } };
    spec
      .given([teamSet])
      .when(link(toObjective('f1'), finance))
      .thenRejects('crossArea');
    spec
      .given([teamSet])
      .when(link(toObjective('f1', true), finance))
      .then([{ type: 'ObjectiveLinked', data: toObjective('f1', true) }]);
    // An area above the team's is in its chain.
    const orgObjective = set({ objectiveId: 'o1', title: 'Be the customer’s first call', cycleId: 'q4', areaId: 'org' });
    spec
      .given([teamSet])
      .when(link(toObjective('o1'), { parent: { kind: 'objective', objective: orgObjective, startsOn: '2026-10-01' } }))
      .then([{ type: 'ObjectiveLinked', data: toObjective('o1') }]);
  });

  it('given an area objective, another area’s objective is a plain link', () => {
    spec
      .given([areaSet])
      .when({
        type: 'LinkObjective',
        data: { objectiveId: 'a1', parentKind: 'objective', parentId: 'f1', crossArea: false },
        context: context({ parent: { kind: 'objective', objective: financeObjective, startsOn: '2026-10-01' }, areaChain: [] }),
      })
      .then([{ type: 'ObjectiveLinked', data: { objectiveId: 'a1', parentKind: 'objective', parentId: 'f1', crossArea: false } }]);
  });

  it('given the same link again, nothing; unlinking an unlinked objective, nothing; a dropped objective links nothing', () => {
    const linked: ObjectiveEvent = { type: 'ObjectiveLinked', data: toTheme };
    spec.given([teamSet, linked]).when(link(toTheme)).thenNothing();
    spec
      .given([teamSet])
      .when({ type: 'UnlinkObjective', data: { objectiveId: 't1' } })
      .thenNothing();
    spec
      .given([teamSet, linked])
      .when({ type: 'UnlinkObjective', data: { objectiveId: 't1' } })
      .then([{ type: 'ObjectiveUnlinked', data: { objectiveId: 't1' } }]);
    const dropped: ObjectiveEvent = { type: 'ObjectiveDropped', data: { objectiveId: 't1' } };
    spec.given([teamSet, dropped]).when(link(toTheme)).thenRejects('objectiveId');
    spec
      .given([teamSet, dropped])
      .when({ type: 'DropObjective', data: { objectiveId: 't1' } })
      .thenNothing();
  });

  it('reads crossArea as false unless sent', () => {
    expect(parseCommand(LinkObjective, { objectiveId: 't1', parentKind: 'theme', parentId: 'growth' }).data.crossArea).toBe(false);
    expectError(() => parseCommand(LinkObjective, { objectiveId: 't1', parentKind: 'team', parentId: 'growth' }), 'parentKind');
  });
});

describe('theme decider', () => {
  it('sets, renames and drops a theme; a dropped one is not renamed', () => {
    const data = { themeId: 'growth', title: 'Grow recurring revenue' };
    themes
      .given([])
      .when({ type: 'SetTheme', data })
      .then([{ type: 'StrategicThemeSet', data }]);
    themes
      .given([{ type: 'StrategicThemeSet', data }])
      .when({ type: 'SetTheme', data })
      .thenNothing();
    themes
      .given([{ type: 'StrategicThemeSet', data }])
      .when({ type: 'SetTheme', data: { ...data, title: 'Other' } })
      .thenRejects('themeId');
    themes
      .given([
        { type: 'StrategicThemeSet', data },
        { type: 'StrategicThemeDropped', data: { themeId: 'growth' } },
      ])
      .when({ type: 'RenameTheme', data: { themeId: 'growth', title: 'Other' } })
      .thenRejects('themeId');
  });

  it('renames to the same title or drops a dropped theme as nothing new; an unknown theme is neither renamed nor dropped', () => {
    const data = { themeId: 'growth', title: 'Grow recurring revenue' };
    const set = { type: 'StrategicThemeSet' as const, data };
    const dropped = { type: 'StrategicThemeDropped' as const, data: { themeId: 'growth' } };
    themes
      .given([set])
      .when({ type: 'RenameTheme', data: { themeId: 'growth', title: 'Grow revenue' } })
      .then([{ type: 'StrategicThemeRenamed', data: { themeId: 'growth', title: 'Grow revenue' } }]);
    themes.given([set]).when({ type: 'RenameTheme', data }).thenNothing();
    themes
      .given([set])
      .when({ type: 'DropTheme', data: { themeId: 'growth' } })
      .then([dropped]);
    themes
      .given([set, dropped])
      .when({ type: 'DropTheme', data: { themeId: 'growth' } })
      .thenNothing();
    themes
      .given([])
      .when({ type: 'DropTheme', data: { themeId: 'growth' } })
      .thenRejects('themeId');
    themes.given([]).when({ type: 'RenameTheme', data }).thenRejects('themeId');
  });
});

describe('reaching a theme', () => {
  it('follows each chain up to a theme still set; a dropped or unknown link on the way breaks it, a loop never hangs', () => {
    const nodes = [
      { objectiveId: 'a1', parentKind: 'theme' as const, parentId: 'growth' },
      { objectiveId: 't1', parentKind: 'objective' as const, parentId: 'a1' },
      { objectiveId: 't2', parentKind: 'objective' as const, parentId: 'gone' },
      { objectiveId: 't3', parentKind: null, parentId: null },
      { objectiveId: 'l1', parentKind: 'objective' as const, parentId: 'l2' },
      { objectiveId: 'l2', parentKind: 'objective' as const, parentId: 'l1' },
      { objectiveId: 'x1', parentKind: 'theme' as const, parentId: 'dropped-theme' },
    ];
    expect([...reachingTheme(nodes, new Set(['growth']))].sort()).toEqual(['a1', 't1']);
  });
});
