import { siteDecider } from '../../domain/site/site.decider';
import type { SiteCommand } from '../../domain/site/site.commands';
import { siteStreamId } from '../../domain/site/site.events';
import type { CommandMeta } from '../common/command-meta';
import { CommandResult, toCommandResult } from '../common/command-result';
import type { DecideAndAppend } from '../common/decide-and-append';

/** Runs one site command through the site decider on the site's stream. */
export function runSiteCommand(decideAndAppend: DecideAndAppend, command: SiteCommand, meta: CommandMeta): CommandResult {
  return toCommandResult(decideAndAppend.run(siteStreamId(command.siteId), siteDecider, command, meta));
}
