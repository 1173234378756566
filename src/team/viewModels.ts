import type { AreaRow, CycleSummary, TeamDetail } from '../../projections/heatmap/types.ts';
import type { SignalRow } from '../../projections/resistance/queries.ts';
import type { StakeholderRow } from '../../projections/stakeholders/queries.ts';
import type { TimelinePage } from '../../projections/timeline.ts';
import { formatDate, formatInstant } from '../adoption/calendar.ts';
import { describeEvent } from '../describe.ts';
import { areaOptions } from '../area/viewModels.ts';
import { formView, freshState, REVISION, type Form, type FormState, type Option } from '../http/forms.ts';
import { areaUrl, heatmapUrl, resistanceUrl, signalPath, stakeholderPath, teamPath, type Selection } from '../http/urls.ts';
import { timelineUrl } from '../overview/timelineView.ts';
import { columnHeads, teamRowView } from '../overview/viewModels.ts';
import { kindLabels, severityLabels } from '../resistance/vocabulary.ts';
import type { Names } from '../shared/names.ts';
import { labelOf } from '../shared/vocabulary.ts';
import { attitudeView, stakeholdersUrl } from '../stakeholder/viewModels.ts';
import { TrainingKind } from './events.ts';
import { adoptionForms, teamEditForms, trainingCompletedForm } from './forms.ts';
import { trainingLabels } from './vocabulary.ts';

/** The team page's URL, or one of its forms' (`suffix`), with the given query, leaving out what is not set. */
export function teamPageUrl(teamId: string, suffix: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${teamPath(teamId)}${suffix}${params.size > 0 ? `?${params.toString()}` : ''}`;
}

export interface TeamPage {
  team: TeamDetail;
  cycle: CycleSummary;
  cycles: CycleSummary[];
  areas: AreaRow[];
  selection: Selection;
  /** The team stream's revision as the read models know it: what the edit forms carry. */
  revision: number;
  /** The team's key results in the cycle, as its objectives define them (or, for a cycle without any, those reported so far): the progress form offers them. */
  keyResults: Option[];
  /** The team's latest events, newest first. */
  history: TimelinePage;
  /** The team's open resistance signals. */
  signals: SignalRow[];
  /** The first stakeholders of the team's area, most influential first, and how many there are. */
  stakeholders: StakeholderRow[];
  stakeholderCount: number;
  names: Names;
}

export interface Answered {
  /** The form a POST just answered, and what it shows now. */
  answered?: { formId: string; state: FormState };
  /** The form a success came from: it shows the status line, open and ready for the next entry. */
  recordedBy?: string | undefined;
}

/** Each form's fields as the page offers them: the page's date, the page's cycle, the team as it is. */
function defaultsFor(form: Form, page: TeamPage): FormState {
  const known: Record<string, string> = {
    cycleId: page.cycle.cycleId,
    kind: 'okr-basics',
    participants: String(page.team.size),
    size: String(page.team.size),
    areaId: page.team.areaId,
    keyResultRef: page.keyResults[0]?.value ?? '',
  };
  const values = Object.fromEntries(
    Object.entries(form.fields).map(([name, field]) => [name, field.kind === 'date' ? page.selection.asOf : (known[name] ?? '')]),
  );
  return freshState(form, form.revisioned ? { ...values, [REVISION]: String(page.revision) } : values);
}

/** What `views/partials/team.eta` prints. */
export function teamView(page: TeamPage, input: Answered) {
  const { team, selection, cycle } = page;
  // The team's cells, stage and check-in exactly as the team rows of its area print them.
  const row = teamRowView(team, selection);
  const cycleOptions: Option[] = page.cycles.map((c) => ({ value: c.cycleId, label: c.closedOn === null ? c.name : `${c.name} (closed)` }));
  const options: Record<string, Option[]> = {
    cycleId: cycleOptions,
    kind: TrainingKind.options.map((kind) => ({ value: kind, label: trainingLabels[kind] })),
    areaId: areaOptions(page.areas),
    keyResultRef: page.keyResults,
  };
  const pageHref = teamPageUrl(team.teamId, '', { cycle: cycle.cycleId });
  const view = (form: Form) =>
    formView(form, {
      // The anchor brings the form back into view after an htmx swap (htmx scrolls to it), as the 303's does without JavaScript.
      action: `${teamPageUrl(team.teamId, `/${form.id}`, { cycle: cycle.cycleId })}#${form.id}`,
      hxTarget: '#team',
      state: input.answered?.formId === form.id ? input.answered.state : defaultsFor(form, page),
      options:
        form.id === trainingCompletedForm.id ? { ...options, cycleId: [{ value: '', label: 'No cycle' }, ...cycleOptions] } : options,
      reloadHref: pageHref,
      recorded: input.recordedBy === form.id,
    });
  const [checkIn, ...adoption] = adoptionForms.map(view);
  return {
    title: `${team.name} · ${cycle.name}`,
    heatmapHref: heatmapUrl(selection),
    area: { name: team.area.name, href: areaUrl(team.areaId, selection) },
    /** The area this page's forms record in. */
    recordsIn: team.areaId,
    team: { key: team.key, name: team.name, size: team.size, stage: row.stage },
    cycle: { name: cycle.name, closed: cycle.closedOn !== null },
    scores: columnHeads.map((head, i) => ({ ...head, cell: row.cells[i]! })),
    checkIn: row.checkIn,
    trend: row.trend,
    checkInForm: checkIn!,
    adoptionForms: adoption,
    editForms: teamEditForms.map(view),
    history: {
      entries: page.history.entries.map((entry) => ({
        what: describeEvent(entry.event, page.names),
        occurred: { iso: entry.occurredAt, label: formatInstant(entry.occurredAt) },
        who: entry.actor.name ?? entry.actor.id,
      })),
      allHref: timelineUrl({ team: team.teamId }),
      more: page.history.older !== null,
    },
    signals: page.signals.map((s) => ({
      href: signalPath(s.signalId),
      kind: labelOf(kindLabels, s.kind),
      severity: { value: s.severity, label: labelOf(severityLabels, String(s.severity)), tone: String(s.severity) },
      description: s.description,
      raised: { iso: s.raisedOn, label: formatDate(s.raisedOn) },
    })),
    signalsHref: resistanceUrl({ area: team.areaId }),
    stakeholders: page.stakeholders.map((s) => ({
      href: stakeholderPath(s.stakeholderId),
      name: s.name,
      role: s.role,
      attitude: attitudeView(s.attitude),
    })),
    stakeholdersMore: page.stakeholderCount > page.stakeholders.length ? page.stakeholderCount : null,
    stakeholdersHref: stakeholdersUrl({ area: team.areaId }),
  };
}
