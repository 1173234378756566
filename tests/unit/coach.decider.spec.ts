import { describe, it } from 'vitest';
import { RegisterCoach } from '../../src/coach/commands.ts';
import { coachDecider } from '../../src/coach/decider.ts';
import { parseCommand } from '../../src/shared/command.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(coachDecider);
const ana = { coachId: 'c1', name: 'Ana Costa', email: 'ana@example.org' };

describe('coach decider', () => {
  it('registers a coach', () => {
    spec
      .given([])
      .when({ type: 'RegisterCoach', data: ana, context: { emails: [] } })
      .then([{ type: 'CoachRegistered', data: ana }]);
  });

  it('refuses the same coach id with other data', () => {
    spec
      .given([{ type: 'CoachRegistered', data: ana }])
      .when({ type: 'RegisterCoach', data: { ...ana, name: 'Ana Silva' }, context: { emails: [] } })
      .thenRejects('coachId');
  });

  it('records a repeat of the same registration (a retried form) as nothing', () => {
    spec
      .given([{ type: 'CoachRegistered', data: ana }])
      .when({ type: 'RegisterCoach', data: ana, context: { emails: [ana.email] } })
      .thenNothing();
  });

  it('refuses an e-mail another coach already has, ignoring case', () => {
    spec
      .given([])
      .when({ type: 'RegisterCoach', data: ana, context: { emails: ['ANA@example.org'] } })
      .thenRejects('email');
  });

  it('validates the email', () => {
    expectError(() => parseCommand(RegisterCoach, { ...ana, email: 'not-an-email' }), 'email');
  });
});
