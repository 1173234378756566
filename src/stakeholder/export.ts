import type { Paging, StakeholderFilter, StakeholderQueries, StakeholderRow } from '../../projections/stakeholders/queries.ts';
import type { CsvColumn } from '../shared/csv.ts';
import { labelOf } from '../shared/vocabulary.ts';
import { attitudeView } from './viewModels.ts';
import { adkarLabels, unassessed } from './vocabulary.ts';

/** Stakeholders read per query while exporting. */
export const EXPORT_PAGE = 500;

/** The stakeholder list as a spreadsheet: one row per stakeholder, in the list's order, with the words the page uses. */
export const stakeholderColumns: readonly CsvColumn<StakeholderRow>[] = [
  { heading: 'Stakeholder', cell: (s) => s.stakeholderId },
  { heading: 'Name', cell: (s) => s.name },
  { heading: 'Role', cell: (s) => s.role },
  { heading: 'Area', cell: (s) => s.areaPath },
  { heading: 'Influence', cell: (s) => s.influence },
  { heading: 'Interest', cell: (s) => s.interest },
  { heading: 'Attitude', cell: (s) => attitudeView(s.attitude).label },
  { heading: 'ADKAR stage', cell: (s) => (s.adkarStage === null ? unassessed.label : labelOf(adkarLabels, s.adkarStage)) },
  { heading: 'Last engaged on', cell: (s) => s.lastEngagedOn },
  { heading: 'Engagements', cell: (s) => s.engagements },
];

/**
 * Every stakeholder the filter matches, a page at a time in the list's order. The list is paged
 * by offset (its orders end on the id, so pages neither overlap nor skip while nothing changes),
 * which at the thousands of stakeholders an organisation has costs little.
 */
export function* stakeholderPages(
  stakeholders: StakeholderQueries,
  filter: StakeholderFilter,
  size = EXPORT_PAGE,
): Generator<StakeholderRow[]> {
  for (let page: Paging = { limit: size, offset: 0 }; ; page = { limit: size, offset: page.offset + size }) {
    const rows = stakeholders.list(filter, page);
    yield rows;
    if (rows.length < size) return;
  }
}
