import type { CycleSummary } from '../../projections/heatmap/types.ts';
import { daysBetween, formatDate } from '../adoption/calendar.ts';
import { formFor, formView, freshState, REVISION, type FormState } from '../http/forms.ts';
import { plural } from '../shared/vocabulary.ts';
import { closeCycleForm, openCycleForm } from './forms.ts';
import { nextCycle } from './next.ts';

/** Where a cycle stands today, in words, and the tone of its label. */
function standing(cycle: CycleSummary, today: string): { state: 'open' | 'closed' | 'overdue'; label: string; note: string } {
  if (cycle.closedOn !== null) return { state: 'closed', label: 'Closed', note: `on ${formatDate(cycle.closedOn)}` };
  if (today < cycle.startsOn)
    return { state: 'open', label: 'Open', note: `starts in ${plural(daysBetween(today, cycle.startsOn), 'day')}` };
  const left = daysBetween(today, cycle.endsOn);
  if (left < 0) return { state: 'overdue', label: 'Open', note: `ended ${plural(-left, 'day')} ago: close it` };
  return { state: 'open', label: 'Open', note: left === 0 ? 'ends today' : `${plural(left, 'day')} left` };
}

/** One close form per open cycle, each with its own id (and so its own element ids). */
export const closeFormOf = (cycle: Pick<CycleSummary, 'cycleId' | 'name'>) =>
  formFor(closeCycleForm, `close-${cycle.cycleId}`, `Close ${cycle.name}`);

export interface CyclesPage {
  /** Newest first. */
  cycles: CycleSummary[];
  /** A cycle's stream revision, as the read models know it: what its close form carries. */
  revisionOf: (cycleId: string) => number;
  today: string;
}

export interface Answered {
  /** The form a POST just answered, and what it shows now. */
  answered?: { formId: string; state: FormState };
  /** The status line after a success. */
  recorded?: string | undefined;
}

export function cyclesView(page: CyclesPage, input: Answered) {
  const { today } = page;
  const answeredFor = (formId: string) => (input.answered?.formId === formId ? input.answered.state : null);
  const suggested = nextCycle(page.cycles, today);
  return {
    title: 'Cycles',
    recorded: input.recorded ?? null,
    cycles: page.cycles.map((cycle) => {
      const form = closeFormOf(cycle);
      const answered = answeredFor(form.id);
      // A closed cycle has no close form, unless it is the answer to one (closed meanwhile, say).
      const state =
        answered ??
        (cycle.closedOn === null ? freshState(form, { closedOn: today, [REVISION]: String(page.revisionOf(cycle.cycleId)) }) : null);
      return {
        name: cycle.name,
        heatmapHref: `/heatmap?${new URLSearchParams({ cycle: cycle.cycleId }).toString()}`,
        range: `${formatDate(cycle.startsOn)} – ${formatDate(cycle.endsOn)}`,
        cadence: `every ${plural(cycle.checkInCadenceDays, 'day')}`,
        ...standing(cycle, today),
        closeForm:
          state === null
            ? null
            : formView(form, {
                action: `/cycles/${encodeURIComponent(cycle.cycleId)}/close`,
                hxTarget: '#cycles',
                state,
                reloadHref: '/cycles',
              }),
      };
    }),
    openForm: formView(openCycleForm, {
      action: '/cycles',
      hxTarget: '#cycles',
      state:
        answeredFor(openCycleForm.id) ??
        freshState(openCycleForm, { ...suggested, checkInCadenceDays: String(suggested.checkInCadenceDays) }),
      reloadHref: '/cycles',
    }),
  };
}
