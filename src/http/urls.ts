import type { Dimension } from '../../projections/heatmap/types.ts';

/** What every read page is looking at: a cycle, as of a business date. */
export interface Selection {
  cycleId: string;
  asOf: string;
}

const withQuery = (path: string, query: Record<string, string>): string => `${path}?${new URLSearchParams(query).toString()}`;

export const heatmapUrl = ({ cycleId, asOf }: Selection): string => withQuery('/heatmap', { cycle: cycleId, asOf });

export const areaPath = (areaId: string): string => `/areas/${encodeURIComponent(areaId)}`;

export const areaUrl = (areaId: string, { cycleId, asOf }: Selection): string => withQuery(areaPath(areaId), { cycle: cycleId, asOf });

export const teamPath = (teamId: string): string => `/teams/${encodeURIComponent(teamId)}`;

export const teamUrl = (teamId: string, { cycleId, asOf }: Selection): string => withQuery(teamPath(teamId), { cycle: cycleId, asOf });

export const evidenceUrl = (team: { teamId: string; areaId: string }, dimension: Dimension, { cycleId, asOf }: Selection): string =>
  withQuery('/evidence', { team: team.teamId, area: team.areaId, cycle: cycleId, dimension, asOf });
