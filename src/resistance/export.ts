import { type ResistanceQueries, type SignalFilter, type SignalRow, signalCursor } from '../../projections/resistance/queries.ts';
import { ruleLabels } from '../rules/vocabulary.ts';
import type { CsvColumn } from '../shared/csv.ts';
import { labelOf } from '../shared/vocabulary.ts';
import { kindLabels, severityLabels, sourceLabels, statusLabels } from './vocabulary.ts';

/** Signals read per query while exporting: the log's keyset pages, larger than the page's own. */
export const EXPORT_PAGE = 500;

/** The resistance log as a spreadsheet: one row per signal, in the log's order, with the words the page uses. */
export const signalColumns: readonly CsvColumn<SignalRow>[] = [
  { heading: 'Signal', cell: (s) => s.signalId },
  { heading: 'Severity', cell: (s) => s.severity },
  { heading: 'Severity label', cell: (s) => labelOf(severityLabels, String(s.severity)) },
  { heading: 'Kind', cell: (s) => labelOf(kindLabels, s.kind) },
  { heading: 'Description', cell: (s) => s.description },
  { heading: 'Area', cell: (s) => s.area.name ?? s.area.areaId },
  { heading: 'Team', cell: (s) => (s.team === null ? null : (s.team.name ?? s.team.teamId)) },
  { heading: 'Stakeholder', cell: (s) => (s.stakeholder === null ? null : (s.stakeholder.name ?? s.stakeholder.stakeholderId)) },
  { heading: 'Source', cell: (s) => labelOf(sourceLabels, s.source) },
  { heading: 'Rule', cell: (s) => (s.rule === null ? null : labelOf(ruleLabels, s.rule)) },
  { heading: 'Raised on', cell: (s) => s.raisedOn },
  { heading: 'Status', cell: (s) => labelOf(statusLabels, s.status) },
  { heading: 'Acknowledged on', cell: (s) => s.acknowledgedOn },
  { heading: 'Escalated on', cell: (s) => s.escalatedOn },
  { heading: 'Escalated to', cell: (s) => s.escalatedTo },
  { heading: 'Resolved on', cell: (s) => s.resolvedOn },
  { heading: 'Resolution', cell: (s) => s.resolution },
  { heading: 'Interventions', cell: (s) => s.interventions.total },
  { heading: 'Planned', cell: (s) => s.interventions.planned },
  { heading: 'Overdue', cell: (s) => s.interventions.overdue },
  { heading: 'Next due on', cell: (s) => s.interventions.nextDueOn },
];

/**
 * Every signal the filter matches, a keyset page at a time (each starts after the last one's
 * cursor), so an export of the whole log holds one page in memory and each page costs the same.
 */
export function* signalPages(
  resistance: ResistanceQueries,
  filter: SignalFilter,
  today: string,
  size = EXPORT_PAGE,
): Generator<SignalRow[]> {
  let after: string | undefined;
  for (;;) {
    const rows = resistance.signals(filter, today, { limit: size, after });
    yield rows;
    const last = rows.at(-1);
    if (rows.length < size || last === undefined) return;
    after = signalCursor(last);
  }
}
