import autocannon from 'autocannon';

export interface Load {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  requests: number;
  /**
   * Non-2xx answers or bodies without the marker (a redirect is both: it counts once), connection
   * errors and timeouts, and a window in which no answer came at all: a run with any is not a
   * valid latency figure.
   */
  failures: number;
}

export interface LoadOptions {
  seconds: number;
  /** Stops the load early when it settles. */
  until?: Promise<unknown>;
  /** Sent with every request: a signed-in session's cookie. */
  headers?: Record<string, string>;
  /** Paths every connection cycles through, one request each, instead of the URL's own path. */
  paths?: readonly string[];
  /** Text every answer must contain (a signed-in page's own markup); an answer without it is a failure. */
  marker?: string;
}

/**
 * 10 connections on one URL (or the paths given, in turn) for `seconds`, or until `until` settles (then stopped). Latencies
 * in milliseconds as autocannon measures them (request written → response complete); requests
 * still unanswered when the window ends are not counted, so a page slower than the window
 * understates its p99 (it fails instead when nothing came back at all).
 */
export async function load(url: string, { seconds, until, headers, marker, paths }: LoadOptions): Promise<Load> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: 10,
        duration: seconds,
        ...(headers && { headers }),
        ...(paths && { requests: paths.map((path) => ({ path })) }),
        ...(marker !== undefined && { verifyBody: (body) => String(body).includes(marker) }),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    void until?.then(() => instance.stop());
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    requests: result.requests.total,
    failures: Math.max(result.non2xx, result.mismatches) + result.errors + result.timeouts + (result.requests.total === 0 ? 1 : 0),
  };
}
