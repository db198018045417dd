import { DomainError } from '../../domain/common/domain-error';
import { PageQueryDto } from '../http/dto/list-query.dto';
import { validateForm } from './page-support';

/** Path ids as the API checks them. */
export function pathId(raw: string): string {
  if (!/^[0-9a-z]{1,64}$/.test(raw)) throw new DomainError('VALIDATION_FAILED', 'id is not valid', { field: 'id' });
  return raw;
}

/** Query string -> the API's list DTO (empty values dropped), validated the same way. */
export function pageQuery<T extends PageQueryDto>(dto: new () => T, raw: Record<string, string>): T {
  const clean = Object.fromEntries(Object.entries(raw ?? {}).filter(([, v]) => typeof v === 'string' && v !== ''));
  return validateForm(dto, clean);
}

/** The link to the next page: the same filters plus the cursor. */
export function pagerLink(path: string, raw: Record<string, string>, next: string | number | null): string | null {
  if (next === null) return null;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw ?? {})) if (typeof v === 'string' && v !== '' && k !== 'cursor' && k !== 'after') params.set(k, v);
  params.set(typeof next === 'number' ? 'after' : 'cursor', String(next));
  return `${path}?${params.toString()}`;
}
