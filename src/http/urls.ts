import type { Dimension } from '../../projections/heatmap/types.ts';

/** What every read page is looking at: a cycle, as of a business date. */
export interface Selection {
  cycleId: string;
  asOf: string;
  /** The cycle's last day: reviews and retrospectives fall due then. */
  cycleEndsOn: string;
}

const withQuery = (path: string, query: Record<string, string>): string => `${path}?${new URLSearchParams(query).toString()}`;

export const heatmapUrl = ({ cycleId, asOf }: Selection): string => withQuery('/heatmap', { cycle: cycleId, asOf });

/** The heatmap's CSV download, for the same cycle and date. */
export const heatmapCsvUrl = ({ cycleId, asOf }: Selection): string => withQuery('/heatmap.csv', { cycle: cycleId, asOf });

export const areaPath = (areaId: string): string => `/areas/${encodeURIComponent(areaId)}`;

/** `page`: how many of its teams it lists (`teams`), or the next of them after a team's cursor (`after`). */
export const areaUrl = (
  areaId: string,
  { cycleId, asOf }: Selection,
  page: { teams: string } | { after: string } | Record<string, never> = {},
): string => withQuery(areaPath(areaId), { cycle: cycleId, asOf, ...page });

export const teamPath = (teamId: string): string => `/teams/${encodeURIComponent(teamId)}`;

export const teamUrl = (teamId: string, { cycleId, asOf }: Selection): string => withQuery(teamPath(teamId), { cycle: cycleId, asOf });

/** `overall`: the evidence of every dimension, with how the overall score weighs them. */
export const evidenceUrl = (
  team: { teamId: string; areaId: string | null },
  dimension: Dimension | 'overall',
  { cycleId, asOf }: Selection,
  /** A page of its events after or before an event's cursor. */
  page: { after: string } | { before: string } | Record<string, never> = {},
): string =>
  withQuery('/evidence', {
    team: team.teamId,
    ...(team.areaId !== null && { area: team.areaId }),
    cycle: cycleId,
    dimension,
    asOf,
    ...page,
  });

export const coachWeekPath = (coachId: string): string => `/coaches/${encodeURIComponent(coachId)}/week`;

export const signalPath = (signalId: string): string => `/resistance/${encodeURIComponent(signalId)}`;

export const stakeholderPath = (stakeholderId: string): string => `/stakeholders/${encodeURIComponent(stakeholderId)}`;

type LogQuery = Record<string, string | number | undefined>;

/** The log's path with its query; `open` is its default status, so it is left out, as is anything empty. */
function logUrl(path: string, query: LogQuery): string {
  const params = Object.entries(query).flatMap(([key, value]): [string, string][] =>
    value === undefined || value === '' || (key === 'status' && value === 'open') ? [] : [[key, String(value)]],
  );
  const search = new URLSearchParams(params).toString();
  return search === '' ? path : `${path}?${search}`;
}

/** The resistance log. */
export const resistanceUrl = (query: LogQuery): string => logUrl('/resistance', query);

type LogFilter = 'area' | 'status' | 'severity' | 'kind' | 'source';

/** The resistance log's CSV download: its filters, never a page of it. */
export const resistanceCsvUrl = ({ area, status, severity, kind, source }: Partial<Record<LogFilter, string | number>>): string =>
  logUrl('/resistance.csv', { area, status, severity, kind, source });

/** An area's element id on the organisation page. */
export const orgAreaAnchor = (areaId: string): string => `area-${areaId}`;

/** The organisation page, opened at an area (and scrolled to it) when one is given. */
export function organisationUrl(query: { area?: string | undefined; recorded?: string | undefined } = {}): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `/organisation${params.size > 0 ? `?${params.toString()}` : ''}${query.area === undefined ? '' : `#${orgAreaAnchor(query.area)}`}`;
}
