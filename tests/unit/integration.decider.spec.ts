import { describe, it } from 'vitest';
import { GrantIntegrationToken } from '../../src/integration/commands.ts';
import { deadLetterDecider, integrationTokenDecider } from '../../src/integration/decider.ts';
import { parseCommand } from '../../src/shared/command.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(integrationTokenDecider);
const grant = { tokenId: 't1', source: 'urn:okr-tool', name: 'OKR tool', hash: 'a'.repeat(64) };
const granted = { type: 'IntegrationTokenGranted' as const, data: grant };

describe('integration token decider', () => {
  it('grants a token to a source', () => {
    spec.given([]).when({ type: 'GrantIntegrationToken', data: grant }).then([granted]);
  });

  it('records a repeated grant as nothing, and refuses the same id with another source', () => {
    spec.given([granted]).when({ type: 'GrantIntegrationToken', data: grant }).thenNothing();
    spec
      .given([granted])
      .when({ type: 'GrantIntegrationToken', data: { ...grant, source: 'urn:other' } })
      .thenRejects('tokenId');
  });

  it('revokes a granted token once', () => {
    spec
      .given([granted])
      .when({ type: 'RevokeIntegrationToken', data: { tokenId: 't1' } })
      .then([{ type: 'IntegrationTokenRevoked', data: { tokenId: 't1' } }]);
    spec
      .given([granted, { type: 'IntegrationTokenRevoked', data: { tokenId: 't1' } }])
      .when({ type: 'RevokeIntegrationToken', data: { tokenId: 't1' } })
      .thenNothing();
  });

  it('refuses to revoke a token nobody granted', () => {
    spec
      .given([])
      .when({ type: 'RevokeIntegrationToken', data: { tokenId: 't9' } })
      .thenRejects('tokenId');
  });

  it('refuses a source with spaces and a hash that is not SHA-256', () => {
    expectError(() => parseCommand(GrantIntegrationToken, { ...grant, source: 'my tool' }), 'source');
    expectError(() => parseCommand(GrantIntegrationToken, { ...grant, hash: 'secret' }), 'hash');
  });
});

describe('dead letter decider', () => {
  const letters = deciderSpec(deadLetterDecider);
  const where = { deadLetterId: 'd1', consumerGroup: 'uptake', topic: 'uptake.events', partition: 0, offset: '7' };
  const redriven = (outcome: 'accepted' | 'duplicate' | 'rejected', reason?: string) => ({
    type: 'DeadLetterRedriven' as const,
    data: { ...where, outcome, ...(reason && { reason }) },
  });
  const redrive = (outcome: 'accepted' | 'duplicate' | 'rejected', reason?: string) => ({
    type: 'RedriveDeadLetter' as const,
    data: { seq: 1 },
    context: { redriven: redriven(outcome, reason).data },
  });

  it('records each re-drive while the message is still rejected', () => {
    letters
      .given([])
      .when(redrive('rejected', 'no team'))
      .then([redriven('rejected', 'no team')]);
    letters
      .given([redriven('rejected', 'no team')])
      .when(redrive('accepted'))
      .then([redriven('accepted')]);
  });

  it('records nothing once the message went through, accepted or as a duplicate', () => {
    letters
      .given([redriven('accepted')])
      .when(redrive('duplicate'))
      .thenNothing();
    letters
      .given([redriven('rejected', 'no team'), redriven('duplicate')])
      .when(redrive('duplicate'))
      .thenNothing();
  });
});
