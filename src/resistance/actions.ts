import type { SignalDetail } from '../../projections/resistance/queries.ts';

/** What a signal's page offers now; the decider still has the last word on each. */
export interface SignalActions {
  acknowledge: boolean;
  plan: boolean;
  escalate: boolean;
  resolve: boolean;
  /** The interventions that can be completed or cancelled: the planned ones. */
  complete: ReadonlySet<string>;
}

/**
 * Which commands a signal accepts, from its read model: none once it is resolved; otherwise
 * acknowledging (once), planning, escalating, resolving, and completing or cancelling each planned
 * intervention.
 */
export function actionsOn(signal: Pick<SignalDetail, 'status' | 'acknowledgedOn' | 'interventionList'>): SignalActions {
  const open = signal.status !== 'resolved';
  return {
    acknowledge: open && signal.acknowledgedOn === null,
    plan: open,
    escalate: open,
    resolve: open,
    complete: new Set(open ? signal.interventionList.filter((i) => i.status === 'planned').map((i) => i.interventionId) : []),
  };
}
