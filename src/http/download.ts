import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

/** A file name safe unquoted or quoted in a `Content-Disposition` header: dates and what `fileNamePart` leaves. */
const SAFE_NAME = /^[A-Za-z0-9_.-]+$/;

/** A name or id as part of a file name: anything but letters, digits, `_`, `.` and `-` becomes `-`. */
export const fileNamePart = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '-');

/**
 * Sends a CSV as a download, streamed chunk by chunk as its generator reads the read models, so
 * the whole file is never held in memory.
 */
export function sendCsv(reply: FastifyReply, filename: string, chunks: Iterable<string>): FastifyReply {
  if (!SAFE_NAME.test(filename)) throw new Error(`not a safe file name: ${filename}`);
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(chunks));
}
