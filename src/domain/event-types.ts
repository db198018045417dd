import { CERTIFICATE_EVENT_TYPES } from './certificate/certificate.events';
import { DomainError } from './common/domain-error';
import { JOB_EVENT_TYPES } from './job/job.events';
import { NODE_EVENT_TYPES } from './node/node.events';
import { SITE_EVENT_TYPES } from './site/site.events';
import { API_TOKEN_EVENT_TYPES, USER_EVENT_TYPES } from './user/user.events';

/*
 * THE registry of stored event types. A type string is never renamed and never derived from a class
 * name. When an event's data shape changes: bump schemaVersion and add upcasters[oldVersion] that turns
 * data of oldVersion into oldVersion + 1. Stored events are never rewritten; they are upcast on read.
 */

type EventData = Record<string, unknown>;
export type Upcaster = (data: EventData) => EventData;

export interface EventTypeEntry {
  readonly schemaVersion: number;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

const V1: EventTypeEntry = { schemaVersion: 1, upcasters: {} };

/** SiteCreated v1 had `domain` and no environment; v2 names it `primaryDomain` and adds the production environment. */
export function upcastSiteCreatedV1(data: EventData): EventData {
  const { domain, ...rest } = data;
  const primaryDomain = (rest.primaryDomain ?? domain) as string;
  return {
    ...rest,
    primaryDomain,
    environment: {
      name: 'production',
      envSlug: rest.slug,
      nodeId: rest.nodeId,
      domains: [primaryDomain],
      phpVersion: rest.phpVersion,
    },
  };
}

const OVERRIDES: Record<string, EventTypeEntry> = {
  SiteCreated: { schemaVersion: 2, upcasters: { 1: upcastSiteCreatedV1 } },
};

export const EVENT_TYPES: Readonly<Record<string, EventTypeEntry>> = Object.fromEntries(
  [...SITE_EVENT_TYPES, ...NODE_EVENT_TYPES, ...JOB_EVENT_TYPES, ...USER_EVENT_TYPES, ...API_TOKEN_EVENT_TYPES, ...CERTIFICATE_EVENT_TYPES].map((type) => [type, OVERRIDES[type] ?? V1]),
);

export function isKnownEventType(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, type);
}

function entryFor(type: string): EventTypeEntry {
  if (!isKnownEventType(type)) {
    throw new DomainError('INTERNAL', `Unknown event type ${JSON.stringify(type)}: add it to src/domain/event-types.ts`, {
      type,
    });
  }
  return EVENT_TYPES[type];
}

/** The version new events of this type are written with. */
export function currentSchemaVersion(type: string): number {
  return entryFor(type).schemaVersion;
}

/** Brings stored data of `schemaVersion` up to the type's current version, one upcaster at a time. */
export function upcast(type: string, schemaVersion: number, data: EventData): EventData {
  const entry = entryFor(type);
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > entry.schemaVersion) {
    throw new DomainError('INTERNAL', `${type} has no schema version ${schemaVersion}`, { type, schemaVersion });
  }
  let result = data;
  for (let v = schemaVersion; v < entry.schemaVersion; v++) {
    const step = entry.upcasters[v];
    if (!step) throw new DomainError('INTERNAL', `${type} lacks an upcaster from v${v}`, { type, version: v });
    result = step(result);
  }
  return result;
}
