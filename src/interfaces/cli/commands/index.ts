import type { RegisterCommands } from '../command-kit';
import { registerBackupCommands } from './backup.commands';
import { registerCertificateCommands } from './certificate.commands';
import { registerEnvCommands } from './env.commands';
import { registerEventsCommands } from './events.commands';
import { registerJobCommands } from './job.commands';
import { registerLocalDataCommands } from './local-data.commands';
import { registerLoginCommands } from './login.commands';
import { registerMaintenanceCommands } from './maintenance.commands';
import { registerNodeCommands } from './node.commands';
import { registerPromoteCommands } from './promote.commands';
import { registerSiteCommands } from './site.commands';

/**
 * Every command group of the CLI, in the order `pressluft --help` lists them. A new group is one
 * file beside this one (`<group>.commands.ts` exporting `register<Group>Commands`) and one line here.
 */
export const COMMAND_GROUPS: readonly RegisterCommands[] = [
  registerLoginCommands,
  registerNodeCommands,
  registerSiteCommands,
  registerEnvCommands,
  registerPromoteCommands,
  registerCertificateCommands,
  registerBackupCommands,
  registerJobCommands,
  registerEventsCommands,
  registerMaintenanceCommands,
  registerLocalDataCommands,
];
