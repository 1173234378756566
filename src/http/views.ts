import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Eta } from 'eta';
import { currentPage } from './auth.ts';

/**
 * Renders `views/<name>.eta`; templates escape every `<%= %>` (autoEscape stays on). Every
 * template also gets `it.page`: who is signed in and the CSRF token, for the request being
 * answered (none for a live push, which reaches many people at once).
 */
export interface Views {
  render(name: string, data: object): string;
}

export function createViews(root: string): Views {
  const eta = new Eta({ views: join(root, 'views'), cache: true, autoEscape: true });
  return { render: (name, data) => eta.render(name, { page: currentPage() ?? null, ...data }) };
}

/**
 * An htmx request that wants a piece of a page. A history restore also carries HX-Request but
 * swaps the whole body, so it gets the full page.
 */
export const wantsFragment = (request: FastifyRequest): boolean =>
  request.headers['hx-request'] === 'true' && request.headers['hx-history-restore-request'] !== 'true';

export function sendHtml(reply: FastifyReply, html: string, statusCode = 200): FastifyReply {
  // The same URL answers with a fragment or a page depending on HX-Request: caches must key on it.
  return reply.code(statusCode).header('vary', 'HX-Request').type('text/html; charset=utf-8').send(html);
}

export const escapeHtml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** One swap htmx performs on arrival; `<hx-partial>` parses its content as a template, so table rows survive. */
export const hxPartial = (target: string, how: 'outerMorph' | 'innerMorph' | 'innerHTML', html: string): string =>
  `<hx-partial hx-target="${escapeHtml(target)}" hx-swap="${how}">${html}</hx-partial>`;
