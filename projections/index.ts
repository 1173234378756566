import { accountsProjection } from './accounts.ts';
import { adoptionProjection } from './adoption.ts';
import { integrationsProjection } from './integrations.ts';
import { objectivesProjection } from './objectives.ts';
import { orgProjection } from './org.ts';
import type { Projection } from './projection.ts';
import { revisionsProjection } from './revisions.ts';
import { saturationProjection } from './saturation.ts';
import { signalsProjection } from './signals.ts';
import { stakeholdersProjection } from './stakeholders.ts';
import { timelineProjection } from './timeline.ts';

/** Every read model Uptake keeps; the runner applies each batch to all of them. */
export const readModels: readonly Projection[] = [
  orgProjection,
  adoptionProjection,
  signalsProjection,
  stakeholdersProjection,
  timelineProjection,
  revisionsProjection,
  integrationsProjection,
  accountsProjection,
  objectivesProjection,
  saturationProjection,
];

import { SqliteHeatmapQueries } from './heatmap/queries.ts';
import { ProjectionRunner, type Reach } from './runner.ts';

export { ProjectionRunner, SqliteHeatmapQueries };
export { SqliteDirectory } from './org/directory.ts';
export { SqliteNames } from './org/names.ts';
export { SqliteRevisions } from './revisions.ts';
export { SqliteTimelineQueries } from './timeline.ts';

/**
 * The write path's wait: until every read model includes the write, and the heatmap shows it
 * even while a burst (a rebuild, an ingest) lets it answer from a slightly older computation.
 * `lagging` names the read models that may not show the write yet: one failed (it is not waited
 * for) or did not get there in time.
 */
export const waitForWrite =
  (runner: ProjectionRunner, queries: SqliteHeatmapQueries) =>
  async (position: bigint): Promise<Reach> => {
    const reach = await runner.waitFor(position);
    queries.freshAfter(position);
    return reach;
  };
