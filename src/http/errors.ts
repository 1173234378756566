import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConcurrencyConflictError, UptakeError, ValidationError, type FieldIssue } from '../shared/errors.ts';
import { sendHtml, wantsFragment, type Views } from './views.ts';

/** What went wrong, in words safe to show: a 5xx never carries the original message. */
interface Problem {
  statusCode: number;
  code: string;
  title: string;
  message: string;
  issues?: FieldIssue[];
  conflict?: { streamId: string; expected: string; actual: string };
}

const titles: Record<number, string> = {
  400: 'That request could not be read',
  401: 'Sign in first',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Someone else changed this first',
  422: 'Some values need fixing',
  429: 'Too many attempts',
};
const titleFor = (statusCode: number) =>
  titles[statusCode] ?? (statusCode >= 500 ? 'Something went wrong on our side' : 'That request could not be handled');

/** Fastify's schema errors: name the field (`asOf`, `body.severity`) as our ValidationError does. */
function schemaIssues(error: FastifyError): FieldIssue[] {
  return (error.validation ?? []).map((v) => {
    const missing = typeof v.params?.missingProperty === 'string' ? `/${v.params.missingProperty}` : '';
    const field = `${v.instancePath}${missing}`.replace(/^\//, '').replaceAll('/', '.');
    return { field: field || (error.validationContext ?? 'request'), message: v.message ?? 'is invalid' };
  });
}

export function problemOf(error: FastifyError | Error): Problem {
  if (error instanceof UptakeError) {
    const problem: Problem = { statusCode: error.statusCode, code: error.code, title: titleFor(error.statusCode), message: error.message };
    if (error instanceof ValidationError) problem.issues = error.issues;
    if (error instanceof ConcurrencyConflictError) {
      problem.conflict = { streamId: error.streamId, expected: String(error.expected), actual: String(error.actual) };
      problem.message = 'It was changed since you loaded it. Reload to see the latest version, then try again.';
    }
    return problem;
  }
  // A route's declared schema refused a parameter: a rule broken, named like any other.
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => ({
      field: v.instancePath.replace(/^\//, '').replaceAll('/', '.') || (error.validationContext ?? 'request'),
      message: v.message ?? 'is not valid',
    }));
    return {
      statusCode: 422,
      code: 'validation_failed',
      title: titleFor(422),
      message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      issues,
    };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.code === 'FST_CSRF_MISSING_SECRET' || fastifyError.code === 'FST_CSRF_INVALID_TOKEN') {
    return {
      statusCode: 403,
      code: 'csrf',
      title: titleFor(403),
      message: 'This form has expired or did not come from an Uptake page: reload the page and send it again.',
    };
  }
  if (fastifyError.validation) {
    const issues = schemaIssues(fastifyError);
    return {
      statusCode: 400,
      code: 'bad_request',
      title: titleFor(400),
      message: issues.map((i) => `${i.field}: ${i.message}`).join('; '),
      issues,
    };
  }
  const statusCode = fastifyError.statusCode ?? 500;
  if (statusCode >= 400 && statusCode < 500) {
    return { statusCode, code: fastifyError.code ?? 'bad_request', title: titleFor(statusCode), message: fastifyError.message };
  }
  return {
    statusCode: 500,
    code: 'internal_error',
    title: titleFor(500),
    message: 'The error has been logged. Try again in a moment; if it keeps happening, tell whoever runs Uptake.',
  };
}

const prefersJson = (request: FastifyRequest): boolean => {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
};

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem, views: Views): FastifyReply {
  if (prefersJson(request)) {
    const { statusCode, code, message, issues, conflict } = problem;
    return reply.code(statusCode).send({ statusCode, error: code, message, ...(issues && { issues }), ...(conflict && conflict) });
  }
  const fragment = wantsFragment(request);
  let html: string;
  try {
    html = views.render(fragment ? 'partials/notice' : 'pages/error', problem);
  } catch (error) {
    // A broken template must not turn into Fastify's default reply, which would show the message.
    request.log.error({ err: error }, 'error page failed to render');
    return reply.code(problem.statusCode).type('text/plain; charset=utf-8').send(`${problem.title}. ${problem.message}`);
  }
  // The element that asked expected rows or a table; show the notice in the page's live region instead.
  if (fragment) reply.header('hx-retarget', '#notices').header('hx-reswap', 'innerHTML');
  return sendHtml(reply, html, problem.statusCode);
}

/** One place maps every error to a response; the not-found handler answers unknown URLs. */
export function installErrorHandling(app: FastifyInstance, views: Views): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemOf(error);
    if (problem.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code, statusCode: problem.statusCode }, problem.message);
    return sendProblem(request, reply, problem, views);
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      { statusCode: 404, code: 'not_found', title: titleFor(404), message: `There is no page at ${request.url.split('?')[0]}.` },
      views,
    ),
  );
}
