import type { StakeholderFilter, StakeholderQueries, StakeholderRow } from '../../projections/stakeholders/queries.ts';
import type { CsvColumn } from '../shared/csv.ts';
import { labelOf } from '../shared/vocabulary.ts';
import { aimView, attitudeView, healthById, healthSince, type HealthView } from './viewModels.ts';
import { adkarLabels, unassessed } from './vocabulary.ts';

/** Stakeholders read per query while exporting. */
export const EXPORT_PAGE = 500;

/** A stakeholder as exported: the list's row and its relationship health as of the day. */
export type ExportedStakeholder = StakeholderRow & { health: HealthView };

/** The stakeholder list as a spreadsheet: one row per stakeholder, in the list's order, with the words the page uses. */
export const stakeholderColumns: readonly CsvColumn<ExportedStakeholder>[] = [
  { heading: 'Stakeholder', cell: (s) => s.stakeholderId },
  { heading: 'Name', cell: (s) => s.name },
  { heading: 'Role', cell: (s) => s.role },
  { heading: 'Area', cell: (s) => s.areaPath },
  { heading: 'Influence', cell: (s) => s.influence },
  { heading: 'Interest', cell: (s) => s.interest },
  { heading: 'Attitude', cell: (s) => attitudeView(s.attitude).label },
  { heading: 'Desired attitude', cell: (s) => aimView(s.attitude, s.desiredAttitude)?.attitude.label ?? '' },
  { heading: 'Steps to desired', cell: (s) => aimView(s.attitude, s.desiredAttitude)?.gap ?? '' },
  { heading: 'ADKAR stage', cell: (s) => (s.adkarStage === null ? unassessed.label : labelOf(adkarLabels, s.adkarStage)) },
  { heading: 'Last engaged on', cell: (s) => s.lastEngagedOn },
  { heading: 'Engagements', cell: (s) => s.engagements },
  { heading: 'Relationship health', cell: (s) => s.health.label },
  { heading: 'Health score', cell: (s) => s.health.score },
];

/** Every stakeholder the filter matches, a page at a time in the list's order, each page from the last one's last stakeholder (keyset). */
export function* stakeholderPages(
  stakeholders: StakeholderQueries,
  filter: StakeholderFilter,
  size = EXPORT_PAGE,
): Generator<StakeholderRow[]> {
  for (let after: string | undefined; ; ) {
    const rows = stakeholders.list(filter, { limit: size, after });
    yield rows;
    if (rows.length < size) return;
    after = rows.at(-1)?.stakeholderId;
  }
}

/** Each page of stakeholders with their relationship health, fetched for that page only. */
export function* withHealth(
  pages: Iterable<StakeholderRow[]>,
  stakeholders: StakeholderQueries,
  today: string,
): Generator<ExportedStakeholder[]> {
  for (const rows of pages) {
    const health = healthById(rows, stakeholders.engagedSince(healthSince(rows, today), today), today);
    yield rows.map((row) => ({ ...row, health: health.get(row.stakeholderId) as HealthView }));
  }
}
