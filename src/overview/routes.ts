import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { CoachWeekQueries } from '../../projections/coachWeek/queries.ts';
import type { HeatmapQueries } from '../../projections/heatmap/types.ts';
import type { OrgQueries } from '../../projections/org/queries.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { Names } from '../shared/names.ts';
import { areaRoutes } from './area.ts';
import { coachWeekRoutes } from './coachWeek.ts';
import { evidenceRoutes } from './evidence.ts';
import { heatmapExportRoutes, heatmapRoutes } from './heatmap.ts';
import type { Saturation } from './saturation.ts';
import { timelineRoutes } from './timeline.ts';

export interface OverviewRouteOptions extends WebDeps {
  queries: HeatmapQueries;
  org: OrgQueries;
  timeline: TimelineQueries;
  coachWeek: CoachWeekQueries;
  names: Names;
  saturation: Saturation;
}

/** The pages that span slices, read-only: heatmap, area, evidence, coach's week and timeline. */
export const overviewRoutes: FastifyPluginAsyncZod<OverviewRouteOptions> = async (app, options) => {
  await app.register(heatmapRoutes, options);
  await app.register(heatmapExportRoutes, options);
  await app.register(areaRoutes, options);
  await app.register(evidenceRoutes, options);
  await app.register(coachWeekRoutes, options);
  await app.register(timelineRoutes, options);
};
