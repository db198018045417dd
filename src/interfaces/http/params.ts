import { Param, PipeTransform } from '@nestjs/common';
import { DomainError } from '../../domain/common/domain-error';

class PatternPipe implements PipeTransform<string, string> {
  constructor(
    private readonly name: string,
    private readonly pattern: RegExp,
  ) {}

  transform(value: string): string {
    if (!this.pattern.test(value)) throw new DomainError('VALIDATION_FAILED', `${this.name} is not valid`, { field: this.name });
    return value;
  }
}

/** Path ids are checked before they reach a handler: lower-case base32, as the id generator makes them. */
export const IdParam = () => Param('id', new PatternPipe('id', /^[0-9a-z]{1,64}$/));
export const EnvParam = () => Param('env', new PatternPipe('env', /^[a-z][a-z0-9-]{0,19}$/));
export const StreamParam = () => Param('streamId', new PatternPipe('streamId', /^[a-z]+-[0-9a-z]{1,64}$/));
export const BackupIdParam = () => Param('backupId', new PatternPipe('backupId', /^[0-9a-z]{1,64}$/));
export const RunIdParam = () => Param('runId', new PatternPipe('runId', /^[A-Za-z0-9_-]{1,64}$/));
