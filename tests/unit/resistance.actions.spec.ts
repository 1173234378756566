/** Which actions a signal's page offers, from the signals read model. */
import { describe, expect, it } from 'vitest';
import type { Intervention } from '../../projections/resistance/queries.ts';
import { actionsOn } from '../../src/resistance/actions.ts';

const intervention = (interventionId: string, status: Intervention['status']): Intervention => ({
  interventionId,
  kind: 'workshop',
  owner: { coachId: 'c', name: 'Chris' },
  dueOn: '2026-11-30',
  status,
  completedOn: status === 'done' ? '2026-11-20' : null,
  cancelledOn: status === 'cancelled' ? '2026-11-21' : null,
  outcome: status === 'done' ? 'they came' : null,
  overdue: false,
});

describe('actions on a signal', () => {
  it('offers acknowledging, planning, escalating and resolving a signal just raised', () => {
    expect(actionsOn({ status: 'open', acknowledgedOn: null, interventionList: [] })).toEqual({
      acknowledge: true,
      plan: true,
      escalate: true,
      resolve: true,
      complete: new Set(),
    });
  });

  it('offers acknowledging once, also on an escalated signal', () => {
    expect(actionsOn({ status: 'acknowledged', acknowledgedOn: '2026-11-03', interventionList: [] }).acknowledge).toBe(false);
    expect(actionsOn({ status: 'escalated', acknowledgedOn: null, interventionList: [] }).acknowledge).toBe(true);
    expect(actionsOn({ status: 'escalated', acknowledgedOn: '2026-11-03', interventionList: [] }).acknowledge).toBe(false);
  });

  it('offers completing the planned interventions only', () => {
    const interventionList = [intervention('a', 'planned'), intervention('b', 'done'), intervention('c', 'planned')];
    expect(actionsOn({ status: 'acknowledged', acknowledgedOn: '2026-11-03', interventionList }).complete).toEqual(new Set(['a', 'c']));
  });

  it('offers nothing on a resolved signal, not even completing an intervention still planned', () => {
    expect(actionsOn({ status: 'resolved', acknowledgedOn: null, interventionList: [intervention('a', 'planned')] })).toEqual({
      acknowledge: false,
      plan: false,
      escalate: false,
      resolve: false,
      complete: new Set(),
    });
  });
});
