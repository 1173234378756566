import { addDays } from '../../src/adoption/calendar.ts';
import type { AdoptionFactKind } from '../../src/adoption/model.ts';
import type { SqlDatabase } from '../../src/shared/sql.ts';
import { adoptionProjection } from '../adoption.ts';
import { objectivesProjection } from '../objectives.ts';
import { orgProjection } from '../org.ts';
import { signalsProjection } from '../signals.ts';
import { stakeholdersProjection } from '../stakeholders.ts';

/** One adoption fact of a team in a week: what it was and which event recorded it (the timeline puts that in words). */
export interface WeekFact {
  teamId: string;
  /** The team's area now, as the heatmap files the team. */
  areaId: string;
  position: string;
  kind: AdoptionFactKind;
  on: string;
}

/** The week's facts of the teams an area holds itself (not those of the areas below it): how many, and the latest, newest first. */
export interface AreaFacts {
  areaId: string;
  count: number;
  latest: WeekFact[];
}

/** A signal raised or escalated in a week, with the names of where it sits (null when the read models do not know the id). */
export interface WeekSignal {
  signalId: string;
  kind: string;
  severity: number;
  description: string;
  source: string;
  rule: string | null;
  raisedOn: string;
  escalatedOn: string | null;
  escalatedTo: string | null;
  area: { areaId: string; name: string | null };
  team: { teamId: string; name: string | null } | null;
  stakeholder: { stakeholderId: string; name: string | null } | null;
}

/** Attitude and ADKAR stage; null: not assessed. */
export interface Assessment {
  attitude: string | null;
  adkarStage: string | null;
}

/** A stakeholder assessed in a week: where they stood before it (null: identified during it) and after it. */
export interface StakeholderMove {
  stakeholderId: string;
  name: string;
  role: string;
  area: { areaId: string; name: string | null };
  before: Assessment | null;
  after: Assessment;
  /** The day of their last assessment in the week. */
  lastOn: string;
}

/** What the leadership digest asks of the read models about one week (`from` and `to` are its first and last day, inclusive). */
export interface DigestQueries {
  /**
   * The week's adoption facts of every team in the cycle (trainings of any cycle, alignment from
   * the objectives read model), area by area: key-result progress is left out (it is frequent and
   * moves no score), and only the `latest` newest of each area's facts are read.
   */
  facts(cycleId: string, from: string, to: string, latest: number): AreaFacts[];
  /** Signals raised in the week, most severe first. */
  raised(from: string, to: string): WeekSignal[];
  /** Signals whose (latest) escalation fell in the week, most severe first. */
  escalated(from: string, to: string): WeekSignal[];
  /** Stakeholders whose attitude or ADKAR stage was assessed in the week, whether or not it changed. */
  stakeholderMoves(from: string, to: string): StakeholderMove[];
}

interface Week {
  from: string;
  to: string;
}

const signalColumns = `
  s.signal_id AS signalId, s.kind, s.severity, s.description, s.source, s.rule, s.raised_on AS raisedOn,
  s.escalated_on AS escalatedOn, s.escalated_to AS escalatedTo, s.area_id AS areaId, a.name AS areaName,
  s.team_id AS teamId, t.name AS teamName, s.stakeholder_id AS stakeholderId, st.name AS stakeholderName
  FROM signals s
  LEFT JOIN org_areas a ON a.area_id = s.area_id
  LEFT JOIN org_teams t ON t.team_id = s.team_id
  LEFT JOIN stakeholders st ON st.stakeholder_id = s.stakeholder_id`;

type SignalRow = Omit<WeekSignal, 'area' | 'team' | 'stakeholder'> & {
  areaId: string;
  areaName: string | null;
  teamId: string | null;
  teamName: string | null;
  stakeholderId: string | null;
  stakeholderName: string | null;
};

const toSignal = ({ areaId, areaName, teamId, teamName, stakeholderId, stakeholderName, ...s }: SignalRow): WeekSignal => ({
  ...s,
  area: { areaId, name: areaName },
  team: teamId === null ? null : { teamId, name: teamName },
  stakeholder: stakeholderId === null ? null : { stakeholderId, name: stakeholderName },
});

/** The week's facts of every team in the cycle but key-result progress, through the partial index that leaves those out. */
const weekFacts = `adoption_facts f CROSS JOIN org_teams t ON t.team_id = f.team_id
  WHERE f.on_date BETWEEN @from AND @to AND f.kind <> 'key-result-progress' AND (f.cycle_id = @cycle OR f.kind = 'training')`;
/** The week's alignment changes of every team: an event that changes a team's alignment once is one fact, however many rows it left. */
const weekAlignment = `(
    SELECT DISTINCT team_id, position, on_date FROM strategy_alignment WHERE cycle_id = @cycle AND on_date BETWEEN @from AND @to
  ) g CROSS JOIN org_teams t ON t.team_id = g.team_id`;

interface MoveRow {
  stakeholderId: string;
  name: string;
  role: string;
  areaId: string;
  areaName: string | null;
  wasAttitude: string | null;
  wasAdkarStage: string | null;
  /** Null when the stakeholder was identified during the week. */
  wasRevision: number | null;
  attitude: string | null;
  adkarStage: string | null;
  lastAt: string;
}

/**
 * The digest's read side over the adoption, objectives, signals, stakeholders and org read
 * models. Each query reads one week: facts by date through a partial index that leaves key-result
 * progress out; signals and stakeholder histories by date.
 */
export class SqliteDigestQueries implements DigestQueries {
  private readonly sql;

  constructor(db: SqlDatabase) {
    for (const projection of [orgProjection, adoptionProjection, objectivesProjection, signalsProjection, stakeholdersProjection])
      projection.setUp(db);
    this.sql = {
      // Counted area by area; then the newest are read by date from the week index (which holds the
      // position as a number after the date) only until every area has its share.
      factCounts: db.prepare<[Week & { cycle: string }], { areaId: string; count: number }>(`
        SELECT areaId, count(*) AS count FROM (
          SELECT t.area_id AS areaId FROM ${weekFacts}
          UNION ALL
          SELECT t.area_id FROM ${weekAlignment}
        ) GROUP BY areaId`),
      newestFacts: db.prepare<[Week & { cycle: string }], WeekFact & { seq: number }>(`
        SELECT t.team_id AS teamId, t.area_id AS areaId, f.position, f.kind, f.on_date AS "on", CAST(f.position AS INTEGER) AS seq
        FROM ${weekFacts}
        UNION ALL
        SELECT t.team_id, t.area_id, g.position, 'alignment', g.on_date, CAST(g.position AS INTEGER)
        FROM ${weekAlignment}
        ORDER BY "on" DESC, seq DESC, teamId, kind`),
      raised: db.prepare<[Week], SignalRow>(`
        SELECT ${signalColumns} WHERE s.raised_on BETWEEN @from AND @to ORDER BY s.severity DESC, s.raised_on DESC, s.signal_id`),
      escalated: db.prepare<[Week], SignalRow>(`
        SELECT ${signalColumns} WHERE s.escalated_on BETWEEN @from AND @to ORDER BY s.severity DESC, s.escalated_on DESC, s.signal_id`),
      // The history holds where each stakeholder stood after every assessment (business time, as recorded):
      // their last one in the week against the one before the week's first.
      moves: db.prepare<[{ from: string; until: string }], MoveRow>(`
        WITH week AS (
          SELECT stakeholder_id, min(revision) AS first, max(revision) AS last, max(occurred_at) AS lastAt
          FROM stakeholder_history
          WHERE aspect IN ('attitude', 'adkar') AND occurred_at >= @from AND occurred_at < @until
          GROUP BY stakeholder_id
        )
        SELECT s.stakeholder_id AS stakeholderId, s.name, s.role, s.area_id AS areaId, a.name AS areaName,
          b.attitude AS wasAttitude, b.adkar_stage AS wasAdkarStage, b.revision AS wasRevision,
          h.attitude, h.adkar_stage AS adkarStage, w.lastAt
        FROM week w
        JOIN stakeholders s ON s.stakeholder_id = w.stakeholder_id
        JOIN stakeholder_history h ON h.stakeholder_id = w.stakeholder_id AND h.revision = w.last
        LEFT JOIN stakeholder_history b ON b.stakeholder_id = w.stakeholder_id
          AND b.revision = (SELECT max(revision) FROM stakeholder_history p WHERE p.stakeholder_id = w.stakeholder_id AND p.revision < w.first)
        LEFT JOIN org_areas a ON a.area_id = s.area_id
        ORDER BY s.name, s.stakeholder_id`),
    };
  }

  facts(cycleId: string, from: string, to: string, latest: number): AreaFacts[] {
    const week = { cycle: cycleId, from, to };
    const areas = this.sql.factCounts.all(week).map(({ areaId, count }): AreaFacts => ({ areaId, count, latest: [] }));
    const byId = new Map(areas.map((area) => [area.areaId, area]));
    let wanted = areas.reduce((sum, area) => sum + Math.min(area.count, latest), 0);
    if (wanted > 0)
      for (const { seq: _, ...fact } of this.sql.newestFacts.iterate(week)) {
        const area = byId.get(fact.areaId);
        if (area === undefined || area.latest.length >= latest) continue;
        area.latest.push(fact);
        if (--wanted === 0) break;
      }
    return areas;
  }

  raised(from: string, to: string): WeekSignal[] {
    return this.sql.raised.all({ from, to }).map(toSignal);
  }

  escalated(from: string, to: string): WeekSignal[] {
    return this.sql.escalated.all({ from, to }).map(toSignal);
  }

  stakeholderMoves(from: string, to: string): StakeholderMove[] {
    // Instants of the week's last day sort before the next day's date.
    const until = addDays(to, 1);
    return this.sql.moves.all({ from, until }).map((r) => ({
      stakeholderId: r.stakeholderId,
      name: r.name,
      role: r.role,
      area: { areaId: r.areaId, name: r.areaName },
      before: r.wasRevision === null ? null : { attitude: r.wasAttitude, adkarStage: r.wasAdkarStage },
      after: { attitude: r.attitude, adkarStage: r.adkarStage },
      lastOn: r.lastAt.slice(0, 10),
    }));
  }
}
