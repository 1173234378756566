import { describe, it } from 'vitest';
import { MoveArea, RegisterArea } from '../../src/area/commands.ts';
import { areaDecider, type AreaState } from '../../src/area/decider.ts';
import type { AreaEvent } from '../../src/area/events.ts';
import type { CoachState } from '../../src/coach/decider.ts';
import { parseCommand } from '../../src/shared/command.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(areaDecider);

const sales = { areaId: 'sales', code: 'SAL', name: 'Sales', parentAreaId: null };
const registered: AreaEvent = { type: 'AreaRegistered', data: sales };
const parentState: AreaState = { status: 'Registered', areaId: 'org', code: 'ORG', name: 'Organisation', parentAreaId: null, coachIds: [] };
const registeredCoach: CoachState = { status: 'Registered', coachId: 'c1', name: 'Ana', email: 'ana@example.org' };
const top = { parent: null, siblings: [], areaCodes: [] };

describe('area decider', () => {
  describe('RegisterArea', () => {
    it('registers a top-level area', () => {
      spec.given([]).when({ type: 'RegisterArea', data: sales, context: top }).then([registered]);
    });

    it('registers an area under a registered parent', () => {
      const data = { ...sales, parentAreaId: 'org' };
      spec
        .given([])
        .when({ type: 'RegisterArea', data, context: { parent: parentState, siblings: [], areaCodes: [] } })
        .then([{ type: 'AreaRegistered', data }]);
    });

    it('refuses a parent that is not registered', () => {
      spec
        .given([])
        .when({
          type: 'RegisterArea',
          data: { ...sales, parentAreaId: 'nowhere' },
          context: { parent: { status: 'Empty' }, siblings: [], areaCodes: [] },
        })
        .thenRejects('parentAreaId');
    });

    it('refuses a name a sibling already has, whatever its case', () => {
      spec
        .given([])
        .when({
          type: 'RegisterArea',
          data: sales,
          context: { parent: null, siblings: [{ areaId: 'other', name: 'SALES' }], areaCodes: [] },
        })
        .thenRejects('name');
    });

    it('refuses a code another area already has', () => {
      spec
        .given([])
        .when({ type: 'RegisterArea', data: sales, context: { ...top, areaCodes: ['SAL'] } })
        .thenRejects('code');
    });

    it('records the same registration again (a retried form) as nothing, and refuses its id with other data', () => {
      spec
        .given([registered])
        .when({
          type: 'RegisterArea',
          data: sales,
          context: { ...top, siblings: [{ areaId: 'sales', name: 'Sales' }], areaCodes: ['SAL'] },
        })
        .thenNothing();
      spec
        .given([registered])
        .when({ type: 'RegisterArea', data: { ...sales, name: 'Marketing' }, context: top })
        .thenRejects('areaId');
    });

    it('validates the code', () => {
      expectError(() => parseCommand(RegisterArea, { ...sales, code: 'sales' }), 'code');
    });
  });

  describe('RenameArea', () => {
    it('renames', () => {
      spec
        .given([registered])
        .when({
          type: 'RenameArea',
          data: { areaId: 'sales', name: 'Sales & Marketing' },
          context: { siblings: [{ areaId: 'sales', name: 'Sales' }] },
        })
        .then([{ type: 'AreaRenamed', data: { areaId: 'sales', name: 'Sales & Marketing' } }]);
    });

    it('records nothing when the name is unchanged', () => {
      spec
        .given([registered])
        .when({ type: 'RenameArea', data: { areaId: 'sales', name: 'Sales' }, context: { siblings: [] } })
        .thenNothing();
    });

    it('refuses the name of a sibling', () => {
      spec
        .given([registered])
        .when({
          type: 'RenameArea',
          data: { areaId: 'sales', name: 'Finance' },
          context: { siblings: [{ areaId: 'fin', name: 'Finance' }] },
        })
        .thenRejects('name');
    });

    it('refuses an area that is not registered', () => {
      spec
        .given([])
        .when({ type: 'RenameArea', data: { areaId: 'sales', name: 'Finance' }, context: { siblings: [] } })
        .thenRejects('areaId');
    });
  });

  describe('MoveArea', () => {
    const under = (parentAreaId: string | null, descendantIds: string[] = [], siblings: { areaId: string; name: string }[] = []) => ({
      type: 'MoveArea' as const,
      data: { areaId: 'sales', parentAreaId },
      context: { parent: parentAreaId === null ? null : parentState, siblings, descendantIds },
    });

    it('moves under another area', () => {
      spec
        .given([registered])
        .when(under('org'))
        .then([{ type: 'AreaMoved', data: { areaId: 'sales', parentAreaId: 'org' } }]);
    });

    it('records nothing when the parent is unchanged', () => {
      spec.given([registered]).when(under(null)).thenNothing();
    });

    it('refuses to move an area under itself', () => {
      spec.given([registered]).when(under('sales')).thenRejects('parentAreaId');
    });

    it('refuses to move an area under one of its descendants', () => {
      spec
        .given([registered])
        .when(under('emea', ['emea', 'emea-north']))
        .thenRejects('parentAreaId');
    });

    it('refuses a parent where a sibling has the same name', () => {
      spec
        .given([registered])
        .when(under('org', [], [{ areaId: 'x', name: 'Sales' }]))
        .thenRejects('name');
    });

    it('refuses a parent that is not registered', () => {
      spec
        .given([registered])
        .when({ ...under('ghost'), context: { parent: { status: 'Empty' }, siblings: [], descendantIds: [] } })
        .thenRejects('parentAreaId');
    });

    it('accepts null (top level) as a parent', () => {
      parseCommand(MoveArea, { areaId: 'sales', parentAreaId: null });
    });
  });

  describe('coach assignment', () => {
    const assign = (coach: CoachState = registeredCoach) => ({
      type: 'AssignCoachToArea' as const,
      data: { areaId: 'sales', coachId: 'c1' },
      context: { coach },
    });
    const assigned: AreaEvent = { type: 'CoachAssignedToArea', data: { areaId: 'sales', coachId: 'c1' } };

    it('assigns a registered coach', () => {
      spec.given([registered]).when(assign()).then([assigned]);
    });

    it('treats assigning an assigned coach as a no-op', () => {
      spec.given([registered, assigned]).when(assign()).thenNothing();
    });

    it('refuses a coach who is not registered', () => {
      spec
        .given([registered])
        .when(assign({ status: 'Empty' }))
        .thenRejects('coachId');
    });

    it('unassigns an assigned coach, and then it is a no-op', () => {
      const unassign = { type: 'UnassignCoachFromArea' as const, data: { areaId: 'sales', coachId: 'c1' } };
      const unassigned: AreaEvent = { type: 'CoachUnassignedFromArea', data: unassign.data };
      spec.given([registered, assigned]).when(unassign).then([unassigned]);
      spec.given([registered, assigned, unassigned]).when(unassign).thenNothing();
    });
  });
});
