import type { Directory } from '../shared/directory.ts';
import type { AreaSummary } from '../area/decider.ts';
import type { CycleSpan } from '../cycle/decider.ts';
import type { SeedCommand } from './story.ts';

/**
 * The directory for the seed, kept from the seed's own commands instead of a read model: the
 * seed is the only writer while it runs, so what it registered is exactly what exists, and it
 * need not wait for projections to catch up before the next registration.
 */
export class KnownOrganisation implements Directory {
  private readonly areas = new Map<string, { code: string; name: string; parentAreaId: string | null }>();
  private readonly keys: string[] = [];
  private readonly emails: string[] = [];
  private readonly spans: CycleSpan[] = [];

  /** Takes note of a command that is now stored. */
  learn(command: SeedCommand): void {
    switch (command.type) {
      case 'RegisterArea':
        this.areas.set(command.data.areaId, { code: command.data.code, name: command.data.name, parentAreaId: command.data.parentAreaId });
        return;
      case 'RenameArea': {
        const area = this.areas.get(command.data.areaId);
        if (area) area.name = command.data.name;
        return;
      }
      case 'RegisterTeam':
        this.keys.push(command.data.key);
        return;
      case 'RegisterCoach':
        this.emails.push(command.data.email);
        return;
      case 'OpenCycle': {
        const { cycleId, name, startsOn, endsOn } = command.data;
        this.spans.push({ cycleId, name, startsOn, endsOn });
        return;
      }
      default:
        return;
    }
  }

  areasUnder(parentAreaId: string | null): readonly AreaSummary[] {
    return [...this.areas].filter(([, area]) => area.parentAreaId === parentAreaId).map(([areaId, { name }]) => ({ areaId, name }));
  }

  descendantsOf(areaId: string): readonly string[] {
    const children = this.areasUnder(areaId).map((child) => child.areaId);
    return children.flatMap((child) => [child, ...this.descendantsOf(child)]);
  }

  teamKeys(): readonly string[] {
    return this.keys;
  }

  areaCodes(): readonly string[] {
    return [...this.areas.values()].map((area) => area.code);
  }

  coachEmails(): readonly string[] {
    return this.emails;
  }

  cycles(): readonly CycleSpan[] {
    return this.spans;
  }

  /** The story opens no accounts: the demo's are opened when `serve` first starts on it. */
  accountEmails(): readonly string[] {
    return [];
  }

  activeAdmins(): readonly string[] {
    return [];
  }

  accountOfCoach(): string | null {
    return null;
  }
}
