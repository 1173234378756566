import { grantBenchToken } from './access.ts';
import { progressReport, SOURCE } from './ingest.ts';
import { withReadModels } from './pages.ts';
import type { ServerPlan } from './web.ts';

/**
 * A burst of writes as an OKR tool sends them: key-result reports across every team of the open
 * cycle, `POST /api/v1/events` as CloudEvents batches with an integration token granted in `file`
 * (before it is served). Every answer must be a 200 with each event accepted.
 */
export async function reportBurst(file: string, cycleId: string, today: string, run: number): Promise<ServerPlan['burst']> {
  const token = await grantBenchToken(file, SOURCE);
  const { keys, cycleName } = withReadModels(file, (db) => ({
    keys: db
      .prepare<[], { key: string }>('SELECT key FROM org_teams ORDER BY key')
      .all()
      .map((t) => t.key),
    cycleName: db.prepare<[string], { name: string }>('SELECT name FROM org_cycles WHERE cycle_id = ?').get(cycleId)?.name,
  }));
  if (cycleName === undefined || keys.length === 0) throw new Error(`no teams or no cycle ${cycleId} to report on`);
  const batchSize = 100;
  return {
    perSecond: 1_000,
    batchSize,
    seconds: 3,
    post: async (url, n) => {
      const batch = Array.from({ length: batchSize }, (_, i) => {
        const index = n * batchSize + i;
        return progressReport(`burst-${run}-${index}`, index, keys[index % keys.length]!, cycleName, today);
      });
      const answer = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(batch),
      });
      const body = (await answer.json()) as { results?: { status: string }[] };
      const refused = body.results?.filter((r) => r.status !== 'accepted') ?? [];
      if (answer.status !== 200 || body.results?.length !== batchSize || refused.length > 0)
        throw new Error(`POST /api/v1/events answered ${answer.status}: ${JSON.stringify(refused[0] ?? body).slice(0, 300)}`);
    },
  };
}
