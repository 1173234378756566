import { adoptionProjection } from './adoption.ts';
import { orgProjection } from './org.ts';
import type { Projection } from './projection.ts';
import { signalsProjection } from './signals.ts';
import { stakeholdersProjection } from './stakeholders.ts';
import { timelineProjection } from './timeline.ts';

/** Every read model Uptake keeps; the runner applies each batch to all of them. */
export const readModels: readonly Projection[] = [orgProjection, adoptionProjection, signalsProjection, stakeholdersProjection, timelineProjection];

export { ProjectionRunner } from './runner.ts';
export { SqliteHeatmapQueries } from './heatmap/queries.ts';
export { SqliteDirectory } from './org/directory.ts';
export { SqliteTimelineQueries } from './timeline.ts';
