import autocannon from 'autocannon';

export interface Load {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts: a run with any is not a valid latency figure. */
  failures: number;
}

/**
 * 10 connections on one URL for `seconds`, or until `until` settles (then stopped). Latencies
 * in milliseconds as autocannon measures them (request written → response complete).
 */
export async function load(url: string, { seconds, until }: { seconds: number; until?: Promise<unknown> }): Promise<Load> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections: 10, duration: seconds }, (error, done) => (error ? reject(error) : resolve(done)));
    void until?.then(() => instance.stop());
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
