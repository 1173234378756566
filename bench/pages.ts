import Database from 'better-sqlite3';
import { SqliteHeatmapQueries } from '../projections/index.ts';
import { format } from './figures.ts';
import { addDays } from '../src/adoption/calendar.ts';
import { areaPath, areaUrl, evidenceUrl, signalPath, stakeholderPath, teamPath } from '../src/http/urls.ts';
import { hashInts } from '../src/seed/random.ts';

/** A page the bench loads: what it shows (for the report) and the path it is fetched at. */
export interface Page {
  label: string;
  path: string;
}

/** The most of something in a read model, ties broken by id so every run picks the same one. */
interface Heaviest {
  id: string;
  count: number;
}

const heaviest = (db: Database.Database, what: string, sql: string): Heaviest => {
  const row = db.prepare<[], Heaviest>(sql).get();
  if (row === undefined) throw new Error(`the data set has no ${what}`);
  return row;
};

/** The area whose page lists the most teams: the heaviest area page in the data set. */
export function busiestArea(db: Database.Database): Heaviest {
  return heaviest(
    db,
    'team',
    'SELECT area_id AS id, count(*) AS count FROM org_teams GROUP BY area_id ORDER BY count DESC, area_id LIMIT 1',
  );
}

/** Opens a caught-up file read-only: picking pages must not change what the server then serves. */
export function withReadModels<T>(file: string, read: (db: Database.Database) => T): T {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/**
 * Every page of the web app, each read page with the heaviest subject the read models hold (the
 * area with the most teams, the team with the most adoption facts, the coach with the most teams,
 * the stakeholder with the most engagements, the signal with the most interventions), and
 * `/healthz` as the floor: what loopback, Fastify and autocannon cost without a page.
 */
export function everyPage(db: Database.Database, today: string): Page[] {
  const cycle = new SqliteHeatmapQueries(db).defaultCycle(today);
  if (!cycle) throw new Error('the data set has no cycle');
  const selection = { cycleId: cycle.cycleId, asOf: today, cycleEndsOn: cycle.endsOn };
  const area = busiestArea(db);
  const team = heaviest(
    db,
    'adoption fact',
    'SELECT team_id AS id, count(*) AS count FROM adoption_facts GROUP BY team_id ORDER BY count DESC, team_id LIMIT 1',
  );
  const teamArea = db.prepare<[string], { areaId: string }>('SELECT area_id AS areaId FROM org_teams WHERE team_id = ?').get(team.id);
  if (!teamArea) throw new Error(`team ${team.id} has facts but is not in the organisation`);
  const coach = heaviest(
    db,
    'coach assigned to an area',
    'SELECT c.coach_id AS id, count(t.team_id) AS count FROM org_area_coaches c JOIN org_teams t ON t.area_id = c.area_id GROUP BY c.coach_id ORDER BY count DESC, c.coach_id LIMIT 1',
  );
  const stakeholder = heaviest(
    db,
    'stakeholder',
    'SELECT stakeholder_id AS id, engagements AS count FROM stakeholders ORDER BY engagements DESC, stakeholder_id LIMIT 1',
  );
  const signal = heaviest(
    db,
    'resistance signal',
    'SELECT s.signal_id AS id, count(i.intervention_id) AS count FROM signals s LEFT JOIN interventions i ON i.signal_id = s.signal_id GROUP BY s.signal_id ORDER BY count DESC, s.signal_id LIMIT 1',
  );
  return [
    { label: 'GET / (heatmap)', path: '/' },
    { label: `GET /areas/:id (${area.count} teams)`, path: areaPath(area.id) },
    { label: `GET /teams/:id (${format(team.count)} adoption facts)`, path: teamPath(team.id) },
    { label: "GET /evidence (that team's run cell)", path: evidenceUrl({ teamId: team.id, areaId: teamArea.areaId }, 'run', selection) },
    { label: 'GET /coaches', path: '/coaches' },
    { label: `GET /coaches/:id/week (${coach.count} teams)`, path: `/coaches/${encodeURIComponent(coach.id)}/week` },
    { label: 'GET /stakeholders', path: '/stakeholders' },
    { label: 'GET /stakeholders/movement (the last 30 days)', path: '/stakeholders/movement' },
    { label: `GET /stakeholders/:id (${format(stakeholder.count)} engagements)`, path: stakeholderPath(stakeholder.id) },
    { label: 'GET /resistance', path: '/resistance' },
    { label: `GET /resistance/:id (${signal.count} interventions)`, path: signalPath(signal.id) },
    { label: 'GET /heatmap.csv (every area and team)', path: '/heatmap.csv' },
    { label: 'GET /resistance.csv?status=all (every signal)', path: '/resistance.csv?status=all' },
    { label: 'GET /stakeholders.csv (every stakeholder)', path: '/stakeholders.csv' },
    { label: 'GET /timeline', path: '/timeline' },
    // Four as-of heatmaps (the week's end, its start and the two weeks before, for stalls) and the week's facts.
    { label: 'GET /digest (the last complete week)', path: '/digest' },
    { label: 'GET /timeline?area= (that area)', path: `/timeline?${new URLSearchParams({ area: area.id }).toString()}` },
    { label: 'GET /organisation', path: '/organisation' },
    { label: 'GET /cycles', path: '/cycles' },
    { label: 'GET /healthz (floor: no page)', path: '/healthz' },
  ];
}

/** How many past dates the as-of pages are loaded at. */
const AS_OF_DATES = 50;

export interface AsOfPaths {
  /** The open cycle: what the default heatmap shows. */
  cycleId: string;
  dates: number;
  /** The heatmap as of each date, of the cycle that date falls in (the open one when none does). */
  heatmap: string[];
  /** The busiest area's page as of the same dates and cycles. */
  area: string[];
}

/**
 * The heatmap and the busiest area as of AS_OF_DATES days drawn from the last two years (the same
 * days for the same today on every run and machine), each in the cycle the day falls in.
 */
export function asOfPaths(db: Database.Database, today: string): AsOfPaths {
  const queries = new SqliteHeatmapQueries(db);
  const open = queries.defaultCycle(today);
  if (!open) throw new Error('the data set has no cycle');
  const cycles = queries.cycles();
  const area = busiestArea(db);
  const dates = Array.from({ length: AS_OF_DATES }, (_, i) => addDays(today, -(hashInts(42, i) % 731)));
  const selections = dates.map((asOf) => {
    const cycle = cycles.find((c) => c.startsOn <= asOf && asOf <= c.endsOn) ?? open;
    return { cycleId: cycle.cycleId, asOf, cycleEndsOn: cycle.endsOn };
  });
  return {
    cycleId: open.cycleId,
    dates: dates.length,
    heatmap: selections.map((s) => `/?${new URLSearchParams({ cycle: s.cycleId, asOf: s.asOf }).toString()}`),
    area: selections.map((s) => areaUrl(area.id, s)),
  };
}
