import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** What an integration presents: 32 random bytes, so a plain SHA-256 is a safe way to store it. */
export function mintToken(): { tokenId: string; token: string; hash: string } {
  const token = `upt_${randomBytes(32).toString('base64url')}`;
  return { tokenId: randomUUID(), token, hash: tokenHash(token) };
}

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');
