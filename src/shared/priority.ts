import { setPriority } from 'node:os';

/**
 * The niceness bulk work runs at (0 is a request's, 19 the lowest): a rebuild or a long replay
 * beside a server yields the CPU to the server's requests, and takes what they leave.
 */
export const BULK_NICENESS = 15;

/**
 * Lowers the calling thread's scheduling priority to BULK_NICENESS. On Linux niceness is per
 * thread: the threads it starts afterwards inherit it, the server's own thread keeps its own.
 * Where it cannot be lowered (a platform without niceness) the work runs at the usual priority.
 */
export function runAsBulkWork(warn: (message: string) => void): void {
  try {
    setPriority(0, BULK_NICENESS);
  } catch (error) {
    warn(`could not lower the priority of bulk work: ${(error as Error).message}`);
  }
}
